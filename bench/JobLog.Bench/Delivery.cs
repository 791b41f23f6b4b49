namespace JobLog.Bench;

/// <summary>One call the bench's webhook receiver took, as the sender stamped it.</summary>
/// <param name="ReceivedAt">The receiver's clock when the request reached it.</param>
/// <param name="Job">X-JobLog-Job.</param>
/// <param name="Occurrence">X-JobLog-Occurrence, the scheduled instant; <see cref="DateTimeOffset.MinValue"/> when missing or unreadable.</param>
/// <param name="IdempotencyKey">Idempotency-Key.</param>
/// <param name="Instance">X-Bench-Instance: which Quartz peer sent it; null from JobLog.</param>
public sealed record Delivery(DateTimeOffset ReceivedAt, string Job, DateTimeOffset Occurrence, string? IdempotencyKey, string? Instance)
{
    public double LatenessMilliseconds => (ReceivedAt - Occurrence).TotalMilliseconds;
}
