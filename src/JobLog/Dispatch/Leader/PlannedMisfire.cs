namespace JobLog.Dispatch.Leader;

/// <summary>
/// A missed occurrence recorded as misfired at <paramref name="At"/>; <paramref name="Count"/> above 1 when this one record
/// stands for that many occurrences older than the catch-up window (the last of them at <paramref name="At"/>).
/// </summary>
public sealed record PlannedMisfire(DateTimeOffset At, string Reason, long Count = 1);
