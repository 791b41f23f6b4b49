using JobLog.Model;

namespace JobLog.Api.Api;

/// <summary>
/// A target as every endpoint shows it: each secret header value as <c>"***"</c>, its fingerprint in
/// <see cref="SecretFingerprints"/> (see <see cref="RedactedHeaders"/>), and each secret query value of the URL as
/// <c>***</c>, its fingerprint in <see cref="UrlSecretFingerprints"/> (see <see cref="RedactedUrl"/>), so a reader sees
/// that a value changed without ever seeing it.
/// </summary>
public sealed record TargetView(
    string Url,
    string Method,
    IReadOnlyDictionary<string, string> Headers,
    string? Body,
    int TimeoutSeconds,
    IReadOnlyList<string> SecretHeaders,
    IReadOnlyDictionary<string, string> SecretFingerprints,
    IReadOnlyDictionary<string, string> UrlSecretFingerprints)
{
    public static TargetView From(WebhookTarget target)
    {
        var redacted = RedactedHeaders.Of(target);
        var url = RedactedUrl.Of(target.Url);
        return new(url.Url, target.Method, redacted.Headers, target.Body, target.TimeoutSeconds, [.. target.SecretHeaders], redacted.Fingerprints, url.Fingerprints);
    }
}
