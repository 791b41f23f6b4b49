namespace JobLog.Dispatch.Delivery;

/// <summary>
/// Every address a target's host name resolved to is refused by the target policy, so no connection was made. Thrown from
/// the connection callback (the HTTP handler wraps it in an <see cref="HttpRequestException"/>); never retried.
/// </summary>
public sealed class TargetRefusedException(TargetRefusal refusal) : Exception(refusal.Reason)
{
    public TargetRefusal Refusal { get; } = refusal;
}
