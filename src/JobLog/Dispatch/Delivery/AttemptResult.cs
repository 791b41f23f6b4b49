namespace JobLog.Dispatch.Delivery;

/// <summary>One attempt's end: what the retry strategy decides on and what the delivery reports if it is the last.</summary>
internal sealed record AttemptResult(int Attempt, AttemptKind Kind, int? Status, string? Error, TimeSpan? RetryAfter = null)
{
    /// <summary>Worth another attempt: the target may answer differently (it was down, slow, busy or failing).</summary>
    public bool Transient => Kind is AttemptKind.TimedOut or AttemptKind.ConnectionFailed
        || (Kind == AttemptKind.Answered && Status is { } status && IsTransientStatus(status));

    public static bool IsTransientStatus(int status) => status is 408 or 429 or (>= 500 and <= 599);
}
