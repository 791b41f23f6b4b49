namespace JobLog.Model;

/// <summary>
/// A target URL as anyone may see it, still a valid URL: each secret query value (see <see cref="SecretQuery"/>) as
/// <see cref="SecretValue.Redacted"/> with the fingerprint its stored form carries, keyed as <see cref="TargetUrl.Key"/>
/// says, and a userinfo (only an event written before userinfo was refused can hold one) as <c>***</c>. Pure: it reads
/// the stored form and never decrypts.
/// </summary>
public sealed record RedactedUrl(string Url, IReadOnlyDictionary<string, string> Fingerprints)
{
    public static RedactedUrl Of(string url)
    {
        var parts = TargetUrl.Parse(url);
        var fingerprints = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var query = parts.Query?.ToArray();
        foreach (var (index, parameter, occurrence) in parts.NumberedQuery())
        {
            if (!SecretQuery.HoldsSecret(parameter))
                continue;
            query![index] = parameter with { Value = SecretValue.Redacted };
            if (SecretValue.TryParse(parameter.Value!, out var fingerprint, out _))
                fingerprints[TargetUrl.Key(parameter.Name, occurrence)] = fingerprint;
        }
        var shown = parts with { UserInfo = parts.UserInfo is null ? null : SecretValue.Redacted, Query = query };
        return new RedactedUrl(shown.Compose(), fingerprints);
    }
}
