using JobLog.Model;

namespace JobLog.Dispatch;

/// <summary>One run's call to its target, as the sender makes it on every attempt.</summary>
/// <param name="FirstAttempt">The number of the first attempt this delivery makes (above 1 when it continues a run).</param>
/// <param name="BeginAttempt">
/// Called before each attempt with its number; the attempt is made only when it returns true (the dispatcher records it
/// in the run store, fenced by its epoch). False ends the delivery with <see cref="DeliveryResult.Abandoned"/>.
/// </param>
public sealed record DeliveryRequest(
    JobId Job,
    long JobVersion,
    DateTimeOffset ScheduledAt,
    string IdempotencyKey,
    WebhookTarget Target,
    RetryPolicy Retry,
    int FirstAttempt,
    Func<int, CancellationToken, Task<bool>> BeginAttempt);
