namespace JobLog.Dispatch;

/// <summary>
/// The names of run kinds and outcomes, as the API writes and reads them and the run store keeps them. Written out here,
/// not taken from the enums, so renaming a member never changes what is stored or what clients see.
/// </summary>
public static class RunNames
{
    public static string NameOf(RunKind kind) => kind switch
    {
        RunKind.Scheduled => "scheduled",
        RunKind.CatchUp => "catchUp",
        RunKind.Manual => "manual",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown run kind."),
    };

    public static string NameOf(RunOutcome outcome) => outcome switch
    {
        RunOutcome.Succeeded => "succeeded",
        RunOutcome.Failed => "failed",
        RunOutcome.TimedOut => "timedOut",
        RunOutcome.Skipped => "skipped",
        RunOutcome.Misfired => "misfired",
        RunOutcome.Refused => "refused",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown run outcome."),
    };

    // Every stored run read parses its kind and outcome: looked up, not searched for.
    private static readonly Dictionary<string, RunKind> Kinds = Enum.GetValues<RunKind>().ToDictionary(NameOf, StringComparer.Ordinal);
    private static readonly Dictionary<string, RunOutcome> Outcomes = Enum.GetValues<RunOutcome>().ToDictionary(NameOf, StringComparer.Ordinal);

    /// <summary>The kind with this exact name; null for any other text.</summary>
    public static RunKind? KindNamed(string name) => Kinds.TryGetValue(name, out var kind) ? kind : null;

    /// <summary>The outcome with this exact name; null for any other text.</summary>
    public static RunOutcome? OutcomeNamed(string name) => Outcomes.TryGetValue(name, out var outcome) ? outcome : null;
}
