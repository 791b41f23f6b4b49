namespace JobLog.Dispatch.Leader;

/// <summary>A run this node's dispatcher is delivering: the job's marker in <c>/schedule</c>.</summary>
public sealed record InFlightRun(long RunId, DateTimeOffset ScheduledAt);
