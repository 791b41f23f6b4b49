namespace JobLog.Dispatch;

/// <summary>
/// Calls targets: the job's method, headers and body plus the X-JobLog-* headers and Idempotency-Key; retries on the
/// job's policy; one circuit breaker per target host; the target policy checked on the address actually connected to;
/// a bounded number of calls at once. Never throws for a target's failure: every end is a <see cref="DeliveryResult"/>.
/// </summary>
public interface IWebhookSender
{
    Task<DeliveryResult> DeliverAsync(DeliveryRequest request, CancellationToken cancellationToken);
}
