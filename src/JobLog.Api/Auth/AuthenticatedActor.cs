using System.Security.Claims;
using JobLog.Api.Api;

namespace JobLog.Api.Auth;

/// <summary>The actor recorded on an event: the authenticated identity's name (an API key's name or a token's subject).</summary>
public static class AuthenticatedActor
{
    public static string Of(ClaimsPrincipal user) =>
        user.Identity is { IsAuthenticated: true, Name: { } name } && IsUsable(name)
            ? name
            : throw new InvalidOperationException("A request reached a change without an authenticated identity; its endpoint lacks a policy.");

    /// <summary>A name the audit trail can show: not blank, at most <see cref="ApiLimits.MaxActorLength"/> characters, no control characters.</summary>
    public static bool IsUsable(string? name) =>
        !string.IsNullOrWhiteSpace(name) && name.Length <= ApiLimits.MaxActorLength && !name.Any(char.IsControl);
}
