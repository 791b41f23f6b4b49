using JobLog.Model;

namespace JobLog.Api.Api;

/// <summary>
/// A target as every endpoint shows it: each secret header value as <c>"***"</c>, its fingerprint in
/// <see cref="SecretFingerprints"/> (see <see cref="RedactedHeaders"/>), so a reader sees that a value changed without
/// ever seeing it.
/// </summary>
public sealed record TargetView(
    string Url,
    string Method,
    IReadOnlyDictionary<string, string> Headers,
    string? Body,
    int TimeoutSeconds,
    IReadOnlyList<string> SecretHeaders,
    IReadOnlyDictionary<string, string> SecretFingerprints)
{
    public static TargetView From(WebhookTarget target)
    {
        var redacted = RedactedHeaders.Of(target);
        return new(target.Url, target.Method, redacted.Headers, target.Body, target.TimeoutSeconds, [.. target.SecretHeaders], redacted.Fingerprints);
    }
}
