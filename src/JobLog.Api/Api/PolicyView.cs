using JobLog.Model;

namespace JobLog.Api.Api;

/// <summary>A job's dispatch policy, always in full: what a client reads is what a <c>PUT</c> of it keeps.</summary>
public sealed record PolicyView(string Misfire, int CatchUpWindowSeconds, string Concurrency, RetryView Retry)
{
    public static PolicyView From(DispatchPolicy policy) => new(
        PolicyNames.Of(policy.Misfire),
        policy.CatchUpWindowSeconds,
        PolicyNames.Of(policy.Concurrency),
        RetryView.From(policy.Retry));
}
