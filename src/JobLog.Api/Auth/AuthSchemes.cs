using Microsoft.Extensions.Options;

namespace JobLog.Api.Auth;

/// <summary>
/// The authentication schemes. The default one only forwards: a Bearer credential shaped like a JWT goes to the JWT
/// handler (when an issuer is configured), anything else to the API key handler, and every request to the loopback
/// handler when authentication is off.
/// </summary>
public static class AuthSchemes
{
    public const string Bearer = "JobLogBearer";
    public const string ApiKey = "ApiKey";
    public const string Jwt = "Jwt";
    public const string Disabled = "LoopbackOnly";

    public static string Select(HttpContext context)
    {
        var services = context.RequestServices;
        if (!services.GetRequiredService<IOptionsMonitor<AuthOptions>>().CurrentValue.Enabled)
            return Disabled;
        return BearerCredential.LooksLikeJwt(context.Request)
               && services.GetRequiredService<IOptionsMonitor<JwtOptions>>().CurrentValue.IsConfigured
            ? Jwt
            : ApiKey;
    }
}
