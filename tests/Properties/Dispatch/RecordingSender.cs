using System.Collections.Concurrent;
using JobLog.Dispatch;

namespace JobLog.Properties.Dispatch;

/// <summary>
/// A webhook sender that answers 200 at once, or, when gated, holds every delivery before its first attempt until
/// <see cref="ReleaseAll"/>. It records each call it really made (an attempt the run store let begin).
/// </summary>
public sealed class RecordingSender(bool gated = false) : IWebhookSender
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<DeliveryRequest> Sent { get; } = new();

    public ConcurrentQueue<DeliveryRequest> Refused { get; } = new();

    public void ReleaseAll()
    {
        lock (_gate)
        {
            _release.TrySetResult();
            _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public async Task<DeliveryResult> DeliverAsync(DeliveryRequest request, CancellationToken cancellationToken)
    {
        if (gated)
        {
            Task release;
            lock (_gate)
                release = _release.Task;
            await release.WaitAsync(cancellationToken);
        }
        if (!await request.BeginAttempt(request.FirstAttempt, cancellationToken))
        {
            Refused.Enqueue(request);
            return new DeliveryResult(RunOutcome.Failed, request.FirstAttempt - 1, null, "abandoned", Abandoned: true);
        }
        Sent.Enqueue(request);
        return new DeliveryResult(RunOutcome.Succeeded, request.FirstAttempt, 200, null);
    }
}
