namespace JobLog.Dispatch.Delivery;

/// <summary>
/// How the webhook sender calls targets (section <c>JobLog:Dispatch</c>, shared with the dispatcher's own options;
/// each binds only its own keys). Checked at start by <see cref="DeliveryOptionsValidator"/>.
/// </summary>
public sealed class DeliveryOptions
{
    public const string Section = "JobLog:Dispatch";

    /// <summary>HTTP calls in flight at once across every target; a call waits for a free slot (backoff waits hold none).</summary>
    public int MaxConcurrentCalls { get; set; } = 64;

    /// <summary>
    /// Attempts recorded as begun and not yet answered, at most. An attempt is recorded before it waits for a call slot
    /// (one batched write for every attempt that begins meanwhile, so a burst's records are written together rather than
    /// one slot's worth at a time), and a scheduled run's first attempt a little before its instant; this bounds how many
    /// runs a leader lost at once leaves in doubt.
    /// </summary>
    public int MaxBegunAttempts { get; set; } = 1024;

    /// <summary>Allowed and denied address ranges (<c>JobLog:Dispatch:Targets:Allow</c> / <c>Deny</c>).</summary>
    public TargetPolicyOptions Targets { get; set; } = new();

    /// <summary>The circuit breaker each target authority (scheme, host, port) gets (<c>JobLog:Dispatch:Breaker</c>).</summary>
    public BreakerOptions Breaker { get; set; } = new();
}
