namespace JobLog.Dispatch.Leader;

/// <summary>
/// Stands in for the webhook sender where none is registered: every run is recorded failed, and nothing is sent. The
/// real sender (Dispatch/Delivery) registers itself before or after <c>AddJobLogDispatch</c> and replaces this one.
/// </summary>
public sealed class UnavailableWebhookSender : IWebhookSender
{
    public Task<DeliveryResult> DeliverAsync(DeliveryRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new DeliveryResult(RunOutcome.Failed, 0, null, "no webhook sender is registered on this node"));
}
