using JobLog.Api.Auth;
using JobLog.Dispatch;
using JobLog.Dispatch.Leader;
using JobLog.Node;
using JobLog.Model;
using JobLog.Store;
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

    public static async Task<Results<Ok<ScheduleView>, ProblemHttpResult>> GetSchedule(
        string? count, string? from, ScheduleHolder schedule, IDispatcherState dispatcher, IRunStore runs, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var size = RequestInputs.ReadInt(count, "count", ApiLimits.DefaultScheduleCount, 1, ApiLimits.MaxScheduleCount, errors);
        var start = RequestInputs.ReadInstant(from, "from", errors) ?? clock.GetUtcNow();
        if (errors.Count > 0)
            return Problems.Validation(errors);

        var occurrences = Occurrences.Next(schedule.Current, start, size);
        var inFlight = await InFlightByJobAsync(dispatcher, runs, cancellationToken);
        var items = occurrences
            .Select(o => new OccurrenceView(
                o.Job.Value, o.Version, o.At,
                inFlight?.TryGetValue(o.Job, out var run) == true ? run : null))
            .ToList();
        return TypedResults.Ok(new ScheduleView(start, items, InFlightUnknown: inFlight is null));
    }

    /// <summary>
    /// The leader knows its deliveries; any other node asks the run store, so every node shows the same. Null when the store
    /// cannot be reached: the schedule itself is this node's and is still shown.
    /// </summary>
    private static async Task<IReadOnlyDictionary<JobId, InFlightView>?> InFlightByJobAsync(
        IDispatcherState dispatcher, IRunStore runs, CancellationToken cancellationToken)
    {
        var snapshot = dispatcher.Snapshot();
        if (snapshot.Dispatching)
            return snapshot.InFlightByJob.ToDictionary(p => p.Key, p => new InFlightView(p.Value.RunId, p.Value.ScheduledAt));
        try
        {
            var unfinished = await runs.UnfinishedAsync(cancellationToken);
            return unfinished
                .GroupBy(r => r.Job)
                .Select(runs => runs.MaxBy(r => r.ScheduledAt)!)
                .ToDictionary(r => r.Job, r => new InFlightView(r.Id, r.ScheduledAt));
        }
        catch (StoreUnavailableException)
        {
            return null;
        }
    }
}
