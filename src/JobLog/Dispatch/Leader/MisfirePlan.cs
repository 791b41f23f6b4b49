namespace JobLog.Dispatch.Leader;

/// <summary>What a new leader does with one job's occurrences that came due while nobody dispatched: run some, record the rest.</summary>
/// <param name="CatchUp">Occurrences to run now as catch-up runs, oldest first.</param>
/// <param name="Misfired">Occurrences recorded as misfired without a call, oldest first.</param>
public sealed record MisfirePlan(IReadOnlyList<DateTimeOffset> CatchUp, IReadOnlyList<PlannedMisfire> Misfired)
{
    public static readonly MisfirePlan Nothing = new([], []);

    /// <summary>How many occurrences the plan accounts for (a summary record counts for all it stands for).</summary>
    public long Occurrences => CatchUp.Count + Misfired.Sum(m => m.Count);
}
