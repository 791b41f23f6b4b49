namespace JobLog.Api.Auth;

/// <summary>Reads the one <c>Authorization: Bearer &lt;credential&gt;</c> header that carries a key or a token.</summary>
public static class BearerCredential
{
    private const string Scheme = "Bearer ";

    /// <summary>
    /// The credential, or null with no Authorization header at all; a header that is not exactly one Bearer credential
    /// is <see cref="CredentialRejectedException"/>.
    /// </summary>
    public static string? Read(HttpRequest request)
    {
        var values = request.Headers.Authorization;
        if (values.Count == 0)
            return null;
        if (values.Count > 1)
            throw new CredentialRejectedException("Send one Authorization header.");
        var header = values[0] ?? "";
        // The auth-scheme is case-insensitive (RFC 9110, section 11.1).
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
            throw new CredentialRejectedException("Only Bearer credentials are accepted: send Authorization: Bearer <API key or token>.");
        var credential = header[Scheme.Length..].Trim();
        if (credential.Length == 0)
            throw new CredentialRejectedException("The Bearer credential is empty.");
        return credential;
    }

    /// <summary>A JWT in compact form has three dot-separated parts (an unsigned one an empty third part); an API key has none.</summary>
    public static bool LooksLikeJwt(HttpRequest request)
    {
        var values = request.Headers.Authorization;
        if (values.Count != 1 || values[0] is not { } header || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
            return false;
        return header.AsSpan(Scheme.Length).Trim().Count('.') == 2;
    }
}
