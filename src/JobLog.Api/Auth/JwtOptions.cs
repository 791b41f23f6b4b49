namespace JobLog.Api.Auth;

/// <summary>
/// Bearer tokens from an OpenID Connect issuer. Off while <see cref="Authority"/> is unset: a token-shaped credential is
/// then checked as an API key, which it is not, and refused.
/// </summary>
public sealed class JwtOptions
{
    public const string Section = "JobLog:Auth:Jwt";

    /// <summary>The issuer; its discovery document (<c>/.well-known/openid-configuration</c>) names its signing keys.</summary>
    public string? Authority { get; set; }

    /// <summary>The audience a token must be issued for.</summary>
    public string? Audience { get; set; }

    /// <summary>The claim that carries the role (one of viewer, editor, admin; an array may carry several).</summary>
    public string RoleClaim { get; set; } = "role";

    /// <summary>False only for an issuer on this machine over plain HTTP (tests, development).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Authority);
}
