namespace JobLog.Dispatch.Delivery;

/// <summary>
/// One circuit breaker per target authority: it opens when at least <see cref="FailureRatio"/> of the calls in
/// <see cref="SamplingDuration"/> failed (connection failures, timeouts, 408, 429, 5xx) and there were at least
/// <see cref="MinimumThroughput"/> calls; while open, calls to that authority fail at once for <see cref="BreakDuration"/>,
/// then one trial call decides.
/// </summary>
public sealed class BreakerOptions
{
    public const string Section = "JobLog:Dispatch:Breaker";

    public double FailureRatio { get; set; } = 0.5;

    public int MinimumThroughput { get; set; } = 5;

    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
