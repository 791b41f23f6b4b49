using JobLog.Api.Auth;
using JobLog.Model;
using JobLog.Store;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JobLog.Api.Api;

/// <summary><c>/events</c>: the global audit feed in commit (sequence) order, read from the store.</summary>
public static class EventsEndpoints
{
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/events").WithTags("Events").RequireAuthorization(AuthPolicies.Viewer).MapGet("", GetEvents)
            .WithName(nameof(GetEvents))
            .WithSummary("The audit feed in sequence order: after=<sequence> (default 0), limit 1-1000 (default 100); next is the after of the next page.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    public static async Task<Results<Ok<EventPage>, ProblemHttpResult>> GetEvents(
        string? after, string? limit, IJobEventStore store, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var from = RequestInputs.ReadLong(after, "after", 0, 0, errors);
        var size = RequestInputs.ReadInt(limit, "limit", ApiLimits.DefaultEventPage, 1, ApiLimits.MaxEventPage, errors);
        if (errors.Count > 0)
            return Problems.Validation(errors);

        var page = await store.ReadAllAsync(from, size, cancellationToken);
        return TypedResults.Ok(new EventPage(page.Events.Select(EventEntry.From).ToList(), page.Next));
    }
}
