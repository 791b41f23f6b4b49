using System.Text.Json;

namespace JobLog.Properties.Isolation;

/// <summary>
/// What one process derives from job definitions: the rules' verdict, the event the decider writes, and the fire
/// times of that event and of the definition stored as it came (as an event written by an older version would
/// be). The test assembly's entry point runs it in a fresh process, which has looked up no time zone before.
/// </summary>
public static class ZoneProbe
{
    public const string Command = "zone-probe";

    private static readonly DateTimeOffset After = new(2026, 3, 28, 22, 0, 0, TimeSpan.Zero);
    private static readonly JobId Job = JobId.Parse("probe");
    private static readonly Provenance By = new("probe", "probe", null);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary><c>dotnet JobLog.Properties.dll zone-probe IN OUT</c>: one definition per line in, one description per line out.</summary>
    public static int Main(string[] args)
    {
        if (args is not [Command, var input, var output])
        {
            Console.Error.WriteLine($"usage: dotnet JobLog.Properties.dll {Command} <definitions.jsonl> <descriptions.jsonl>");
            return 2;
        }
        File.WriteAllLines(output, File.ReadLines(input).Select(line => Describe(Parse(line))));
        return 0;
    }

    public static string Serialize(JobDefinition definition) => JsonSerializer.Serialize(definition, Json);

    public static JobDefinition Parse(string line) =>
        JsonSerializer.Deserialize<JobDefinition>(line, Json) ?? throw new InvalidDataException($"Not a definition: {line}");

    public static string Describe(JobDefinition definition)
    {
        var errors = JobDefinitionRules.Validate(definition).Select(e => $"{e.Field}: {e.Message}").Order(StringComparer.Ordinal).ToList();
        var decided = errors.Count == 0 && JobDecider.Decide(null, new AddJob(Job, definition, true, By)) is Accepted { Event: JobAdded added }
            ? $"{added.Definition.TimeZone} fires {Fires(added)}"
            : "-";
        var stored = Fires(new JobAdded(Job, definition, true, By));
        return JsonSerializer.Serialize(new { errors, decided, stored }, Json);
    }

    private static string Fires(JobAdded added)
    {
        var schedule = Schedule.Empty.Apply(new RecordedEvent(added, 1, 1, After)).Schedule;
        return string.Join(" ", Occurrences.Next(schedule, After, 8).Select(o => o.At.ToString("O")));
    }
}
