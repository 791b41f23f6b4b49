using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace JobLog.Api.Auth;

/// <summary>
/// Writes per identity (the actor name: a key's name, or <c>jwt:</c> and a token's subject, so a key and a token of the
/// same name have a budget each) in fixed windows.
/// Authorization runs first, so a refused request never spends anyone's budget.
/// </summary>
public static class WriteRateLimiting
{
    public static RateLimitPartition<string> Partition(HttpContext context)
    {
        var limit = context.RequestServices.GetRequiredService<IOptionsMonitor<WriteRateLimitOptions>>().CurrentValue;
        return RateLimitPartition.GetFixedWindowLimiter(context.User.Identity?.Name ?? "", _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit.PermitLimit,
            Window = limit.Window,
            QueueLimit = 0,
        });
    }

    public static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var limit = context.RequestServices.GetRequiredService<IOptionsMonitor<WriteRateLimitOptions>>().CurrentValue;
        var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : limit.Window;
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = AuthProblems.Seconds(wait).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = AuthProblems.TooManyWrites(context.User.Identity?.Name, limit, wait),
        });
    }
}
