using System.Security.Claims;
using JobLog.Api.Api;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace JobLog.Api.Auth;

/// <summary>What a valid token must carry beyond its signature, issuer, audience and lifetime, and the name it acts under.</summary>
public static class JwtEvents
{
    public const string SubjectClaim = "sub";

    /// <summary>
    /// A token's identity is its subject under this prefix (<c>jwt:alice</c>): a key's name never holds a colon, so a
    /// token cannot act (in the audit trail, in the rate limit) as the key of the same name, nor as <c>system</c>.
    /// </summary>
    public const string ActorPrefix = "jwt:";

    /// <summary>The claim that carries the qualified name; the identity's name is read from it.</summary>
    public const string ActorClaim = "joblog_actor";

    public static readonly int MaxSubjectLength = ApiLimits.MaxActorLength - ActorPrefix.Length;

    /// <summary>The subject becomes the actor of every change made with the token, so it must be one the audit trail can show.</summary>
    public static Task RequireUsableSubject(TokenValidatedContext context)
    {
        var subject = context.Principal?.FindFirst(SubjectClaim)?.Value;
        if (!AuthenticatedActor.IsUsable(subject) || subject.Length > MaxSubjectLength)
        {
            context.Fail(new CredentialRejectedException(
                $"The token has no usable subject: 'sub' must be 1-{MaxSubjectLength} characters without control characters."));
            return Task.CompletedTask;
        }
        var identity = (ClaimsIdentity)context.Principal!.Identity!;
        context.Principal = new ClaimsPrincipal(new ClaimsIdentity(
            identity.Claims.Append(new Claim(ActorClaim, ActorPrefix + subject)), identity.AuthenticationType, ActorClaim, identity.RoleClaimType));
        return Task.CompletedTask;
    }
}
