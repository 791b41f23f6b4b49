using JobLog.Model;

namespace JobLog.Dispatch;

/// <summary>
/// A page of runs, newest first (by <see cref="RunRecord.Id"/>): of one job or of all, only those with
/// <see cref="RunRecord.Id"/> below <see cref="Before"/>, scheduled at or after <see cref="Since"/>, with the given outcome.
/// </summary>
public sealed record RunQuery(JobId? Job, long? Before, DateTimeOffset? Since, RunOutcome? Outcome, int Limit);
