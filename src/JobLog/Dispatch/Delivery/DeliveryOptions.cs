namespace JobLog.Dispatch.Delivery;

/// <summary>
/// How the webhook sender calls targets (section <c>JobLog:Dispatch</c>, shared with the dispatcher's own options;
/// each binds only its own keys). Checked at start by <see cref="DeliveryOptionsValidator"/>.
/// </summary>
public sealed class DeliveryOptions
{
    public const string Section = "JobLog:Dispatch";

    /// <summary>
    /// HTTP calls in flight at once across every target; a call waits for a free slot (backoff waits hold none). A slot is
    /// held from recording the attempt's start (one batched write for every slot that starts meanwhile) to the answer, so
    /// it also bounds the calls a lost leader leaves in doubt.
    /// </summary>
    public int MaxConcurrentCalls { get; set; } = 64;

    /// <summary>Allowed and denied address ranges (<c>JobLog:Dispatch:Targets:Allow</c> / <c>Deny</c>).</summary>
    public TargetPolicyOptions Targets { get; set; } = new();

    /// <summary>The circuit breaker each target authority (scheme, host, port) gets (<c>JobLog:Dispatch:Breaker</c>).</summary>
    public BreakerOptions Breaker { get; set; } = new();
}
