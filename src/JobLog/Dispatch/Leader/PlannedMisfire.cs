namespace JobLog.Dispatch.Leader;

/// <summary>
/// A missed occurrence recorded as misfired at <paramref name="At"/>. A summary record stands for every occurrence from
/// <paramref name="From"/> to <paramref name="At"/>: <paramref name="Count"/> of them, or null when they were not counted
/// (a long outage of a frequent schedule: counting them would cost a take-over as much as the outage was long).
/// </summary>
public sealed record PlannedMisfire(DateTimeOffset At, string Reason, DateTimeOffset? From = null, long? Count = 1)
{
    public bool IsSummary => From is not null;
}
