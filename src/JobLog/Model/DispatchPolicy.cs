namespace JobLog.Model;

/// <summary>
/// How the leader dispatches a job's occurrences. Part of the job's definition; jobs whose events predate it fold to
/// <see cref="Default"/>.
/// </summary>
public sealed record DispatchPolicy(
    MisfirePolicy Misfire,
    int CatchUpWindowSeconds,
    ConcurrencyPolicy Concurrency,
    RetryPolicy Retry)
{
    public static readonly DispatchPolicy Default = new(MisfirePolicy.FireOnce, 3600, ConcurrencyPolicy.Forbid, RetryPolicy.Default);
}
