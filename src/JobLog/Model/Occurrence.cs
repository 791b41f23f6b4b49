namespace JobLog.Model;

/// <summary>One due firing: the job, the version of its definition that made it due, and when.</summary>
public sealed record Occurrence(JobId Job, long Version, DateTimeOffset At);
