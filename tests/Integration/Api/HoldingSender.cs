using System.Collections.Concurrent;
using JobLog.Dispatch;

namespace JobLog.Integration.Api;

/// <summary>
/// A webhook sender for API tests: answers 200 at once, except for jobs whose id starts with <c>held-</c>, whose calls it
/// holds (after their first attempt began) until <see cref="Release"/>. Records every call made.
/// </summary>
public sealed class HoldingSender : IWebhookSender
{
    public const string HeldPrefix = "held-";

    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<DeliveryRequest> Sent { get; } = new();

    public void Release() => _release.TrySetResult();

    public async Task<DeliveryResult> DeliverAsync(DeliveryRequest request, CancellationToken cancellationToken)
    {
        if (!await request.BeginAttempt(request.FirstAttempt, cancellationToken))
            return new DeliveryResult(RunOutcome.Failed, 0, null, null, Abandoned: true);
        Sent.Enqueue(request);
        if (request.Job.Value.StartsWith(HeldPrefix, StringComparison.Ordinal))
            await _release.Task.WaitAsync(cancellationToken);
        return new DeliveryResult(RunOutcome.Succeeded, request.FirstAttempt, 200, null);
    }
}
