using JobLog.Api.Auth;
using JobLog.Model;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JobLog.Api.Api;

/// <summary>
/// <c>/cron/next</c>: the fire times a cron expression in a time zone gives, parsed exactly as a job definition is, so a
/// form can check its cron and show what it means before anything is saved.
/// </summary>
public static class CronEndpoints
{
    public static IEndpointRouteBuilder MapCronApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/cron").WithTags("Cron").RequireAuthorization(AuthPolicies.Viewer).MapGet("/next", GetNextFireTimes)
            .WithName(nameof(GetNextFireTimes))
            .WithSummary("The next count (1-100, default 10) fire times strictly after from (ISO-8601, default now) of cron in "
                         + "timeZone (default UTC), validated as a job's cron and timeZone are (400 names the field at fault).")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    public static Results<Ok<CronPreviewView>, ProblemHttpResult> GetNextFireTimes(
        string? cron, string? timeZone, string? count, string? from, TimeProvider clock)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(cron))
            errors.Add(new FieldError("cron", "is required."));
        var size = RequestInputs.ReadInt(count, "count", ApiLimits.DefaultCronPreview, 1, ApiLimits.MaxCronPreview, errors);
        var start = RequestInputs.ReadInstant(from, "from", errors) ?? clock.GetUtcNow();
        var zone = timeZone ?? JobDefinition.DefaultTimeZone;
        CronTiming? timing = null;
        if (cron is not null && !CronTiming.TryCreate(cron, zone, out timing, out var cronErrors))
            errors.AddRange(cronErrors);
        if (errors.Count > 0 || timing is null)
            return Problems.Validation(errors);

        var canonicalZone = ZoneCatalog.TryCanonicalize(zone, out var canonical) ? canonical : zone;
        return TypedResults.Ok(new CronPreviewView(cron!, canonicalZone, [.. timing.OccurrencesAfter(start).Take(size)]));
    }
}
