namespace JobLog.Model;

/// <summary>
/// How often one run calls its target: at most <see cref="Attempts"/> calls, the n-th retry waiting
/// <see cref="BackoffSeconds"/> × 2^(n-1) (with jitter) but never more than <see cref="MaxBackoffSeconds"/>.
/// Each attempt is bounded by the target's own timeout.
/// </summary>
public sealed record RetryPolicy(int Attempts, int BackoffSeconds, int MaxBackoffSeconds)
{
    public static readonly RetryPolicy Default = new(3, 1, 60);
}
