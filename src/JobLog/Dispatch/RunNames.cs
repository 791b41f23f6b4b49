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

    /// <summary>The kind with this exact name; null for any other text.</summary>
    public static RunKind? KindNamed(string name) =>
        Enum.GetValues<RunKind>().Where(k => NameOf(k) == name).Select(k => (RunKind?)k).FirstOrDefault();

    /// <summary>The outcome with this exact name; null for any other text.</summary>
    public static RunOutcome? OutcomeNamed(string name) =>
        Enum.GetValues<RunOutcome>().Where(o => NameOf(o) == name).Select(o => (RunOutcome?)o).FirstOrDefault();
}
