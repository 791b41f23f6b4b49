using System.Security.Claims;
using JobLog.Api.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.IdentityModel.Tokens;

namespace JobLog.Api.Auth;

/// <summary>The problem documents of 401, 403 and 429. Every text is ours: a token library's message never reaches the caller.</summary>
public static class AuthProblems
{
    public const string MissingDetail =
        "This endpoint needs a credential: send Authorization: Bearer <API key or token>.";

    public static ProblemDetails Unauthenticated(Exception? failure) => new()
    {
        Type = ProblemTypes.Unauthenticated,
        Title = "Authentication is required.",
        Status = StatusCodes.Status401Unauthorized,
        Detail = failure is null ? MissingDetail : "The credential was refused: " + Reason(failure),
        Extensions = { [Problems.FieldExtension] = "Authorization" },
    };

    public static ProblemDetails Forbidden(ClaimsPrincipal user, AuthorizationPolicy policy)
    {
        var held = Roles.All.Where(user.IsInRole).ToList();
        var needed = policy.Requirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles)
            .Where(Roles.IsKnown)
            .OrderBy(role => Roles.All.ToList().IndexOf(role))
            .FirstOrDefault();
        var has = held.Count == 0 ? "has no JobLog role" : $"has the role {held[^1]}";
        return new ProblemDetails
        {
            Type = ProblemTypes.Forbidden,
            Title = "Your role does not allow this.",
            Status = StatusCodes.Status403Forbidden,
            Detail = $"'{user.Identity?.Name}' {has}; this needs {(needed is null ? "another role" : $"the role {needed} or above")}.",
        };
    }

    public static ProblemDetails TooManyWrites(string? identity, WriteRateLimitOptions limit, TimeSpan retryAfter) => new()
    {
        Type = ProblemTypes.TooManyRequests,
        Title = "Too many writes.",
        Status = StatusCodes.Status429TooManyRequests,
        Detail = $"'{identity}' may make {limit.PermitLimit} writes per {limit.Window}; nothing was changed. "
                 + $"Retry after {Seconds(retryAfter)} s (Retry-After).",
    };

    public static int Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    private static string Reason(Exception failure) => failure switch
    {
        CredentialRejectedException rejected => rejected.Message,
        SecurityTokenExpiredException => "the token has expired.",
        SecurityTokenNotYetValidException => "the token is not valid yet.",
        SecurityTokenInvalidAudienceException => "the token was issued for another audience.",
        SecurityTokenInvalidIssuerException => "the token's issuer is not the one this node trusts.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException =>
            "the token's signature is missing or not valid.",
        _ => "the token is not valid.",
    };
}
