using System.Diagnostics.CodeAnalysis;

namespace JobLog.Model;

/// <summary>
/// How a secret header value is stored in an event: <c>enc:v1:{fingerprint}:{ciphertext}</c>, the ciphertext made by
/// ASP.NET Core Data Protection and the fingerprint a keyed hash computed once when it was encrypted (so showing it
/// needs no key and proves nothing to anyone holding only the events). Parsing is pure: the fold and the API read the
/// form without ever decrypting.
/// </summary>
public static class SecretValue
{
    public const string Prefix = "enc:v1:";

    /// <summary>What every output shows instead of a secret value, and what a client sends back to keep the stored one.</summary>
    public const string Redacted = "***";

    public static string Format(string fingerprint, string ciphertext) => $"{Prefix}{fingerprint}:{ciphertext}";

    public static bool IsSealed(string value) => value.StartsWith(Prefix, StringComparison.Ordinal);

    public static bool TryParse(string value, [NotNullWhen(true)] out string? fingerprint, [NotNullWhen(true)] out string? ciphertext)
    {
        fingerprint = ciphertext = null;
        if (!IsSealed(value))
            return false;
        var rest = value.AsSpan(Prefix.Length);
        var colon = rest.IndexOf(':');
        if (colon <= 0 || colon == rest.Length - 1)
            return false;
        fingerprint = rest[..colon].ToString();
        ciphertext = rest[(colon + 1)..].ToString();
        return true;
    }
}
