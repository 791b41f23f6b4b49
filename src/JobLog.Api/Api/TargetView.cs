using JobLog.Model;

namespace JobLog.Api.Api;

public sealed record TargetView(
    string Url,
    string Method,
    IReadOnlyDictionary<string, string> Headers,
    string? Body,
    int TimeoutSeconds)
{
    public static TargetView From(WebhookTarget target) =>
        new(target.Url, target.Method, target.Headers, target.Body, target.TimeoutSeconds);
}
