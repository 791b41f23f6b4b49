using System.Globalization;
using JobLog.Api.Auth;
using JobLog.Dispatch;
using JobLog.Model;
using JobLog.Node;
using JobLog.Store;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace JobLog.Api.Api;

/// <summary>
/// Run history (<c>/jobs/{id}/runs</c>, <c>/runs</c>, newest first, keyset pages) and manual triggers
/// (<c>POST /jobs/{id}/trigger</c>, accepted on any node and dispatched by the leader). Runs come from the run store.
/// </summary>
public static class RunsEndpoints
{
    public static IEndpointRouteBuilder MapRunsApi(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/jobs").WithTags("Runs").RequireAuthorization(AuthPolicies.Viewer);
        jobs.MapGet("/{id}/runs", ListJobRuns)
            .WithName(nameof(ListJobRuns))
            .WithSummary("The job's runs, newest first: limit 1-1000 (default 50), before=<run id> (the next of the previous page).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        var triggers = app.MapGroup("/jobs").WithTags("Runs")
            .RequireAuthorization(AuthPolicies.Editor)
            .RequireRateLimiting(AuthPolicies.Writes);
        triggers.MapPost("/{id}/trigger", TriggerJob)
            .WithName(nameof(TriggerJob))
            .WithSummary("Run the job once now (no If-Match): 202 with the run, dispatched by the leader. A paused job may be "
                         + "triggered; a deleted one is 409.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        var runs = app.MapGroup("/runs").WithTags("Runs").RequireAuthorization(AuthPolicies.Viewer);
        runs.MapGet("", ListRuns)
            .WithName(nameof(ListRuns))
            .WithSummary("Every job's runs, newest first: since=<ISO-8601> (scheduled at or after), outcome=succeeded|failed|"
                         + "timedOut|skipped|misfired|refused, limit 1-1000 (default 50), before=<run id>.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        runs.MapGet("/{runId}", GetRun)
            .WithName(nameof(GetRun))
            .WithSummary("One run.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    public static async Task<Results<Ok<RunPageView>, ProblemHttpResult>> ListJobRuns(
        string id,
        string? limit,
        string? before,
        ScheduleHolder schedule,
        IJobEventStore store,
        IRunStore runs,
        CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var job = JobRequests.ToId(id, "id", errors);
        var size = RequestInputs.ReadInt(limit, "limit", ApiLimits.DefaultRunPage, 1, ApiLimits.MaxRunPage, errors);
        var cursor = before is null ? (long?)null : RequestInputs.ReadLong(before, "before", 0, 1, errors);
        if (errors.Count > 0 || job is not { } known)
            return Problems.Validation(errors);
        // This node's schedule may not have a job created a moment ago on another node yet; the store has it.
        if (schedule.Current.Find(known) is null && (await store.ReadStreamAsync(known, 1, cancellationToken)).Count == 0)
            return Problems.JobNotFound(known);

        var page = await runs.QueryAsync(new RunQuery(known, cursor, null, null, size), cancellationToken);
        return TypedResults.Ok(PageView(page, next => $"/jobs/{Uri.EscapeDataString(known.Value)}/runs?limit={size}&before={next}"));
    }

    public static async Task<Results<Ok<RunPageView>, ProblemHttpResult>> ListRuns(
        string? since, string? outcome, string? limit, string? before, IRunStore runs, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var from = RequestInputs.ReadInstant(since, "since", errors);
        RunOutcome? wanted = null;
        if (outcome is not null && (wanted = RunNames.OutcomeNamed(outcome)) is null)
            errors.Add(new FieldError("outcome", "must be one of succeeded, failed, timedOut, skipped, misfired, refused."));
        var size = RequestInputs.ReadInt(limit, "limit", ApiLimits.DefaultRunPage, 1, ApiLimits.MaxRunPage, errors);
        var cursor = before is null ? (long?)null : RequestInputs.ReadLong(before, "before", 0, 1, errors);
        if (errors.Count > 0)
            return Problems.Validation(errors);

        var page = await runs.QueryAsync(new RunQuery(null, cursor, from, wanted, size), cancellationToken);
        var filters = (from is { } instant ? $"&since={Uri.EscapeDataString(instant.ToString("O", CultureInfo.InvariantCulture))}" : "")
                      + (outcome is not null ? $"&outcome={outcome}" : "");
        return TypedResults.Ok(PageView(page, next => $"/runs?limit={size}&before={next}{filters}"));
    }

    public static async Task<Results<Ok<RunView>, ProblemHttpResult>> GetRun(string runId, IRunStore runs, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var id = RequestInputs.ReadLong(runId, "runId", 0, 1, errors);
        if (errors.Count > 0)
            return Problems.Validation(errors);
        return await runs.GetAsync(id, cancellationToken) is { } run
            ? TypedResults.Ok(RunView.From(run))
            : TypedResults.Problem(new ProblemDetails
            {
                Type = ProblemTypes.NotFound,
                Title = "The run does not exist.",
                Status = StatusCodes.Status404NotFound,
                Detail = $"No run with id {id} was recorded.",
                Extensions = { [Problems.FieldExtension] = "runId" },
            });
    }

    /// <summary>
    /// Records a manual run for the leader to dispatch. The job is read from the store, not this node's schedule, so a
    /// trigger right after a change on another node sees it.
    /// </summary>
    public static async Task<Results<Accepted<RunView>, ProblemHttpResult>> TriggerJob(
        string id, IJobEventStore store, IRunStore runs, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (JobRequests.ToId(id, "id", errors) is not { } job)
            return Problems.Validation(errors);
        if (JobEvolution.Replay(await store.ReadStreamAsync(job, cancellationToken)) is not { } state)
            return Problems.JobNotFound(job);
        if (state.Status == JobStatus.Deleted)
            return Problems.Rejected(RejectionKind.InvalidTransition, $"Job '{job}' is deleted; restore it before triggering it.");

        var run = await runs.RequestTriggerAsync(job, state.Version, clock.GetUtcNow(), cancellationToken);
        return TypedResults.Accepted($"/runs/{run.Id}", RunView.From(run));
    }

    private static RunPageView PageView(RunPage page, Func<long, string> link) =>
        new(page.Items.Select(RunView.From).ToList(), page.Next, page.Next is { } next ? link(next) : null);
}
