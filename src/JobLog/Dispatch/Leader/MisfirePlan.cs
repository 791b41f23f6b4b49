namespace JobLog.Dispatch.Leader;

/// <summary>What a new leader does with one job's occurrences that came due while nobody dispatched: run some, record the rest.</summary>
/// <param name="CatchUp">Occurrences to run now as catch-up runs, oldest first.</param>
/// <param name="Misfired">Occurrences recorded as misfired without a call, oldest first (a summary record first of all).</param>
public sealed record MisfirePlan(IReadOnlyList<DateTimeOffset> CatchUp, IReadOnlyList<PlannedMisfire> Misfired)
{
    public static readonly MisfirePlan Nothing = new([], []);

    /// <summary>How many occurrences the plan accounts for; null when a summary record's occurrences were not counted.</summary>
    public long? Occurrences => Misfired.Any(m => m.Count is null) ? null : CatchUp.Count + Misfired.Sum(m => m.Count!.Value);
}
