using JobLog.Model;

namespace JobLog.Api.Api;

public sealed record RetryView(int Attempts, int BackoffSeconds, int MaxBackoffSeconds)
{
    public static RetryView From(RetryPolicy retry) => new(retry.Attempts, retry.BackoffSeconds, retry.MaxBackoffSeconds);
}
