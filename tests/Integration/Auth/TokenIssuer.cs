using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace JobLog.Integration.Auth;

/// <summary>
/// An OpenID Connect issuer on a free loopback port: it serves a discovery document and its signing key (JWKS), as a
/// real issuer does, so a node configured with only its address as <c>Authority</c> finds the key the way it would in
/// production; and it signs the tokens the tests send.
/// </summary>
public sealed class TokenIssuer : IAsyncDisposable
{
    public const string Audience = "joblog-api";
    public const string RoleClaim = "joblog_role";
    public const string KeyId = "test-signing-key";

    private readonly WebApplication _server;
    private readonly RSA _key = RSA.Create(2048);

    private TokenIssuer(WebApplication server) => _server = server;

    /// <summary>The issuer's address: the node's <c>Authority</c> and every token's <c>iss</c>.</summary>
    public string Authority { get; private set; } = "";

    public static async Task<TokenIssuer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var issuer = new TokenIssuer(builder.Build());
        issuer._server.MapGet("/.well-known/openid-configuration", () => Results.Text(
            JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["issuer"] = issuer.Authority,
                ["jwks_uri"] = issuer.Authority + "/jwks",
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            }), "application/json"));
        issuer._server.MapGet("/jwks", () => Results.Text(issuer.Jwks(), "application/json"));
        await issuer._server.StartAsync();
        issuer.Authority = issuer._server.Urls.Single().TrimEnd('/');
        return issuer;
    }

    /// <summary>
    /// A token signed with the issuer's key (or <paramref name="signWith"/>, under the same key id), valid for ten minutes
    /// unless told otherwise. <paramref name="roles"/> null leaves the role claim out; two or more make it an array.
    /// </summary>
    public string Issue(
        string? subject = "alice",
        string[]? roles = null,
        string roleClaim = RoleClaim,
        string audience = Audience,
        string? issuer = null,
        DateTime? notBefore = null,
        DateTime? expires = null,
        RSA? signWith = null)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object>();
        if (subject is not null)
            claims["sub"] = subject;
        if (roles is { Length: 1 })
            claims[roleClaim] = roles[0];
        else if (roles is not null)
            claims[roleClaim] = roles;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Authority,
            Audience = audience,
            NotBefore = notBefore ?? now.AddMinutes(-1),
            IssuedAt = notBefore ?? now.AddMinutes(-1),
            Expires = expires ?? now.AddMinutes(10),
            Claims = claims,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(signWith ?? _key) { KeyId = KeyId }, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>A token that says <c>alg: none</c> and has no signature, its claims otherwise valid.</summary>
    public string Unsigned(string subject, string role)
    {
        var now = DateTimeOffset.UtcNow;
        var header = JsonSerializer.Serialize(new Dictionary<string, object> { ["alg"] = "none", ["typ"] = "JWT" });
        var payload = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["sub"] = subject,
            [RoleClaim] = role,
            ["iss"] = Authority,
            ["aud"] = Audience,
            ["nbf"] = now.AddMinutes(-1).ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(10).ToUnixTimeSeconds(),
        });
        return $"{Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(header))}.{Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payload))}.";
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _key.Dispose();
    }

    private string Jwks()
    {
        var key = _key.ExportParameters(includePrivateParameters: false);
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["keys"] = new[]
            {
                new Dictionary<string, string>
                {
                    ["kty"] = "RSA",
                    ["use"] = "sig",
                    ["alg"] = "RS256",
                    ["kid"] = KeyId,
                    ["n"] = Base64UrlEncoder.Encode(key.Modulus),
                    ["e"] = Base64UrlEncoder.Encode(key.Exponent),
                },
            },
        });
    }
}
