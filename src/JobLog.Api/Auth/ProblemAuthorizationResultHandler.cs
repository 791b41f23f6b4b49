using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace JobLog.Api.Auth;

/// <summary>
/// Lets the schemes answer a refusal as they do (401 with their <c>WWW-Authenticate</c>, or 403), then gives the answer
/// a problem document that says why: no credential, which check the credential failed, or which role was needed.
/// </summary>
public sealed class ProblemAuthorizationResultHandler(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _schemes = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        await _schemes.HandleAsync(next, context, policy, authorizeResult);
        if (!(authorizeResult.Challenged || authorizeResult.Forbidden) || context.Response.HasStarted)
            return;

        // The authentication middleware keeps only a success; a handler caches its result, so this asks nobody twice.
        var problem = authorizeResult.Challenged
            ? AuthProblems.Unauthenticated((await context.AuthenticateAsync()).Failure)
            : AuthProblems.Forbidden(context.User, policy);
        context.Response.StatusCode = problem.Status!.Value;
        await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }
}
