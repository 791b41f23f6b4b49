using JobLog.Api.Auth;
using JobLog.Dispatch.Leader;
using JobLog.Node;
using JobLog.Model;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JobLog.Api.Api;

/// <summary><c>/schedule</c>: the next firings of active, enabled jobs, computed from this node's schedule.</summary>
public static class ScheduleEndpoints
{
    public static IEndpointRouteBuilder MapScheduleApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/schedule").WithTags("Schedule").RequireAuthorization(AuthPolicies.Viewer).MapGet("", GetSchedule)
            .WithName(nameof(GetSchedule))
            .WithSummary("The next count (1-1000, default 10) firings strictly after from (ISO-8601, default now).")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    public static Results<Ok<ScheduleView>, ProblemHttpResult> GetSchedule(
        string? count, string? from, ScheduleHolder schedule, IDispatcherState dispatcher, TimeProvider clock)
    {
        var errors = new List<FieldError>();
        var size = RequestInputs.ReadInt(count, "count", ApiLimits.DefaultScheduleCount, 1, ApiLimits.MaxScheduleCount, errors);
        var start = RequestInputs.ReadInstant(from, "from", errors) ?? clock.GetUtcNow();
        if (errors.Count > 0)
            return Problems.Validation(errors);

        var inFlight = dispatcher.Snapshot().InFlightByJob;
        var items = Occurrences.Next(schedule.Current, start, size)
            .Select(o => new OccurrenceView(
                o.Job.Value, o.Version, o.At,
                inFlight.TryGetValue(o.Job, out var run) ? new InFlightView(run.RunId, run.ScheduledAt) : null))
            .ToList();
        return TypedResults.Ok(new ScheduleView(start, items));
    }
}
