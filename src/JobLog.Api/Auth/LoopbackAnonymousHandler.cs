using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using JobLog.Model;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace JobLog.Api.Auth;

/// <summary>
/// Authentication turned off (<c>JobLog:Auth:Enabled=false</c>, allowed only on loopback addresses): a request from
/// this machine is <c>anonymous</c> with every role. One that arrives from elsewhere is not authenticated at all, so
/// nothing is served to the network even before the start-up check has stopped a node bound to a wider address.
/// </summary>
public sealed class LoopbackAnonymousHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Context.Connection.RemoteIpAddress is not { } remote || !IPAddress.IsLoopback(remote))
            return Task.FromResult(AuthenticateResult.Fail(new CredentialRejectedException(
                "Authentication is off on this node, so it serves only requests from its own machine.")));
        var claims = new List<Claim> { new(ClaimTypes.Name, Provenance.AnonymousActor) };
        claims.AddRange(Roles.All.Select(role => new Claim(ClaimTypes.Role, role)));
        var identity = new ClaimsIdentity(claims, Scheme.Name, ClaimTypes.Name, ClaimTypes.Role);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }
}
