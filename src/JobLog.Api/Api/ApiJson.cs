using System.Text.Json;
using System.Text.Json.Serialization;
using JobLog.Model;

namespace JobLog.Api.Api;

public static class ApiJson
{
    private static readonly object NoData = new EmptyData();

    /// <summary>Strict reading: a number in a string, a repeated property or an unknown one is an error, not a guess.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.AllowDuplicateProperties = false;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
    }

    /// <summary>
    /// An event's own fields; the job id and provenance are shown beside it, not repeated inside. Typed objects, not
    /// a JSON DOM per event, because a history of thousands of events is serialized in one response.
    /// </summary>
    /// <remarks>A definition is shown with its target redacted as <see cref="TargetView"/> redacts it, never as stored.</remarks>
    public static object DataOf(IJobEvent change) => change switch
    {
        JobAdded added => new AddedData(DefinitionData.From(added.Definition), added.Enabled),
        JobUpdated updated => new UpdatedData(DefinitionData.From(updated.Definition)),
        _ => NoData,
    };

    /// <summary>Turns System.Text.Json's <c>$.target.url</c> into the contract's <c>target.url</c>.</summary>
    public static string FieldOf(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath) || jsonPath == "$")
            return "body";
        var path = jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..]
            : jsonPath.StartsWith('$') ? jsonPath[1..]
            : jsonPath;
        return path.Replace("['", ".", StringComparison.Ordinal).Replace("']", "", StringComparison.Ordinal).TrimStart('.');
    }

    private sealed record AddedData(DefinitionData Definition, bool Enabled);

    private sealed record UpdatedData(DefinitionData Definition);

    /// <summary>A <see cref="JobDefinition"/> in the shape events always showed it, its target redacted.</summary>
    private sealed record DefinitionData(string Name, string Cron, string TimeZone, TargetView Target, DispatchPolicy Policy)
    {
        public static DefinitionData From(JobDefinition definition) =>
            new(definition.Name, definition.Cron, definition.TimeZone, TargetView.From(definition.Target), definition.Policy);
    }

    private sealed record EmptyData;
}
