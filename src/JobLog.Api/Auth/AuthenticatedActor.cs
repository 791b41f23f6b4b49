using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using JobLog.Api.Api;

namespace JobLog.Api.Auth;

/// <summary>
/// The actor recorded on an event: the authenticated identity's name, an API key's name (<c>admin</c>) or a token's subject
/// under <see cref="JwtEvents.ActorPrefix"/> (<c>jwt:alice</c>).
/// </summary>
public static class AuthenticatedActor
{
    public static string Of(ClaimsPrincipal user) =>
        user.Identity is { IsAuthenticated: true, Name: { } name } && IsUsable(name)
            ? name
            : throw new InvalidOperationException("A request reached a change without an authenticated identity; its endpoint lacks a policy.");

    /// <summary>A name the audit trail can show: not blank, at most <see cref="ApiLimits.MaxActorLength"/> characters, no control characters.</summary>
    public static bool IsUsable([NotNullWhen(true)] string? name) =>
        !string.IsNullOrWhiteSpace(name) && name.Length <= ApiLimits.MaxActorLength && !name.Any(char.IsControl);
}
