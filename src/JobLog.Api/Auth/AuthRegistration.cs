using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.Options;

namespace JobLog.Api.Auth;

public static class AuthRegistration
{
    /// <summary>A JSON file of settings (the <c>joblog</c> script's API keys), watched so a key added to it works at once.</summary>
    public const string KeysFileSetting = "JobLog:Auth:KeysFile";

    /// <summary>Adds the file named by <see cref="KeysFileSetting"/>, if any, as a configuration source read again on change.</summary>
    public static IConfigurationBuilder AddJobLogKeysFile(this IConfigurationManager configuration)
    {
        if (configuration[KeysFileSetting] is { Length: > 0 } file)
            configuration.AddJsonFile(Path.GetFullPath(file), optional: false, reloadOnChange: true);
        return configuration;
    }

    /// <summary>
    /// Authentication (API keys and JWT bearer tokens behind one Bearer header, or loopback-only anonymous access when
    /// turned off), the role policies endpoint groups name, a fallback policy that requires an authenticated identity
    /// for anything mapped without one, and the per-identity write rate limit. Settings are read when first used, so a
    /// test host's settings count.
    /// </summary>
    public static IServiceCollection AddJobLogAuth(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateOnStart();
        services.AddOptions<JwtOptions>()
            .BindConfiguration(JwtOptions.Section)
            .Validate(
                jwt => !jwt.IsConfigured || Uri.TryCreate(jwt.Authority, UriKind.Absolute, out var authority)
                    && (authority.Scheme == Uri.UriSchemeHttps || (authority.Scheme == Uri.UriSchemeHttp && !jwt.RequireHttpsMetadata)),
                $"{JwtOptions.Section}:Authority must be an absolute https URL (http only with RequireHttpsMetadata=false).")
            .Validate(
                jwt => !jwt.IsConfigured || !string.IsNullOrWhiteSpace(jwt.Audience),
                $"{JwtOptions.Section}:Audience is required with an Authority: a token must be meant for this service.")
            .Validate(jwt => !string.IsNullOrWhiteSpace(jwt.RoleClaim), $"{JwtOptions.Section}:RoleClaim must name a claim.")
            .ValidateOnStart();
        services.AddOptions<WriteRateLimitOptions>()
            .BindConfiguration(WriteRateLimitOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<ApiKeyRing>();
        services.AddHostedService<AuthStartupCheck>();

        services.AddAuthentication(AuthSchemes.Bearer)
            .AddPolicyScheme(AuthSchemes.Bearer, "API key or JWT bearer", o => o.ForwardDefaultSelector = AuthSchemes.Select)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(AuthSchemes.ApiKey, null)
            .AddScheme<AuthenticationSchemeOptions, LoopbackAnonymousHandler>(AuthSchemes.Disabled, null)
            .AddJwtBearer(AuthSchemes.Jwt);
        services.AddOptions<JwtBearerOptions>(AuthSchemes.Jwt).Configure<IOptions<JwtOptions>>((bearer, settings) =>
        {
            var jwt = settings.Value;
            bearer.Authority = jwt.Authority;
            bearer.Audience = jwt.Audience;
            bearer.RequireHttpsMetadata = jwt.RequireHttpsMetadata;
            // Claims keep their names as issued ("sub", the role claim), rather than being mapped to WS-* URIs.
            bearer.MapInboundClaims = false;
            bearer.TokenValidationParameters.ValidAudience = jwt.Audience;
            bearer.TokenValidationParameters.NameClaimType = JwtEvents.SubjectClaim;
            bearer.TokenValidationParameters.RoleClaimType = jwt.RoleClaim;
            bearer.Events = new JwtBearerEvents { OnTokenValidated = JwtEvents.RequireUsableSubject };
        });

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(AuthPolicies.Viewer, policy => policy.RequireRole(Roles.AtLeast(Roles.Viewer)))
            .AddPolicy(AuthPolicies.Editor, policy => policy.RequireRole(Roles.AtLeast(Roles.Editor)))
            .AddPolicy(AuthPolicies.Admin, policy => policy.RequireRole(Roles.AtLeast(Roles.Admin)))
            .AddPolicy(AuthPolicies.OpenApi, policy => policy.RequireAssertion(context =>
                context.Resource is HttpContext http
                && (http.RequestServices.GetRequiredService<IOptionsMonitor<AuthOptions>>().CurrentValue.AnonymousOpenApi
                    || Roles.All.Any(context.User.IsInRole))))
            .AddPolicy(AuthPolicies.Metrics, policy => policy.RequireAssertion(context =>
                context.Resource is HttpContext http
                && (http.RequestServices.GetRequiredService<IOptionsMonitor<AuthOptions>>().CurrentValue.AnonymousMetrics
                    || Roles.All.Any(context.User.IsInRole))));
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();

        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(AuthPolicies.Writes, WriteRateLimiting.Partition);
            limiter.OnRejected = WriteRateLimiting.RejectAsync;
        });
        return services;
    }

    /// <summary>Who is asking, whether they may, and whether they are writing too fast; before anything reads the body.</summary>
    public static IApplicationBuilder UseJobLogAuth(this IApplicationBuilder app) =>
        app.UseAuthentication().UseAuthorization().UseRateLimiter();
}
