using JobLog.Api.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JobLog.Api.Api;

/// <summary><c>/me</c>: who the caller's credential says they are, so a client (the web console) can show it and offer only what the role may do.</summary>
public static class IdentityEndpoints
{
    public static IEndpointRouteBuilder MapMeApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/me").WithTags("Identity").RequireAuthorization(AuthPolicies.Viewer).MapGet("", GetMe)
            .WithName(nameof(GetMe))
            .WithSummary("The caller's identity (an API key's name or a token's subject) and highest role.");
        return app;
    }

    public static Ok<IdentityView> GetMe(HttpContext context)
    {
        var user = context.User;
        var role = Roles.All.LastOrDefault(user.IsInRole);
        return TypedResults.Ok(new IdentityView(user.Identity?.Name ?? "", role));
    }
}
