using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace JobLog.Api.Auth;

/// <summary>
/// <c>Authorization: Bearer jl_...</c>: the key's SHA-256 is looked up among the configured keys; the identity is the
/// key's name, with its role. No header is no result (the endpoint's policy decides); anything else that does not
/// match a key fails.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyRing keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? presented;
        try
        {
            presented = BearerCredential.Read(Request);
        }
        catch (CredentialRejectedException rejected)
        {
            return Task.FromResult(AuthenticateResult.Fail(rejected));
        }
        if (presented is null)
            return Task.FromResult(AuthenticateResult.NoResult());
        if (keys.Find(presented) is not { } key)
            return Task.FromResult(AuthenticateResult.Fail(new CredentialRejectedException(
                BearerCredential.LooksLikeJwt(Request)
                    ? "This node accepts no tokens (no issuer is configured); send an API key."
                    : "The API key is not valid.")));

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, key.Name), new Claim(ClaimTypes.Role, key.Role)],
            Scheme.Name,
            ClaimTypes.Name,
            ClaimTypes.Role);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    /// <summary>RFC 6750's challenge: <c>Bearer</c>, with <c>error="invalid_token"</c> when a credential was sent and refused.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = result.Failure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
    }
}
