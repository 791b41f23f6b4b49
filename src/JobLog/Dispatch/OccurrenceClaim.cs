using JobLog.Model;

namespace JobLog.Dispatch;

/// <summary>What a dispatcher asks to claim: one occurrence of a job at the version that made it due.</summary>
public sealed record OccurrenceClaim(JobId Job, long JobVersion, DateTimeOffset ScheduledAt, RunKind Kind);
