using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace JobLog.Api.Auth;

/// <summary>What a valid token must carry beyond its signature, issuer, audience and lifetime.</summary>
public static class JwtEvents
{
    public const string SubjectClaim = "sub";

    /// <summary>The subject becomes the actor of every change made with the token, so it must be one the audit trail can show.</summary>
    public static Task RequireUsableSubject(TokenValidatedContext context)
    {
        if (!AuthenticatedActor.IsUsable(context.Principal?.FindFirst(SubjectClaim)?.Value))
            context.Fail(new CredentialRejectedException(
                "The token has no usable subject: 'sub' must be 1-200 characters without control characters."));
        return Task.CompletedTask;
    }
}
