namespace JobLog.Model;

/// <summary>
/// A target's headers as anyone may see them: each secret value (see <see cref="SecretHeaders"/>) replaced by
/// <see cref="SecretValue.Redacted"/>, with the fingerprint its stored form carries (none for a value an old event kept
/// in clear). Pure: it reads the stored form and never decrypts.
/// </summary>
public sealed record RedactedHeaders(IReadOnlyDictionary<string, string> Headers, IReadOnlyDictionary<string, string> Fingerprints)
{
    public static RedactedHeaders Of(WebhookTarget target)
    {
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var fingerprints = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in target.Headers)
        {
            if (!target.IsSecret(name))
            {
                headers[name] = value;
                continue;
            }
            headers[name] = SecretValue.Redacted;
            if (SecretValue.TryParse(value, out var fingerprint, out _))
                fingerprints[name] = fingerprint;
        }
        return new RedactedHeaders(headers, fingerprints);
    }
}
