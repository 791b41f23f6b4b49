using JobLog.Api.Auth;
using JobLog.Api.OpenApi;
using JobLog.Node;
using JobLog.Commands;
using JobLog.Model;
using JobLog.Store;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JobLog.Api.Api;

/// <summary>
/// <c>/jobs</c>: every change is an event appended at the version the client last read (<c>If-Match</c>);
/// single-job reads come from the store, the list from this node's schedule.
/// </summary>
public static class JobsEndpoints
{
    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/jobs").WithTags("Jobs").RequireAuthorization(AuthPolicies.Viewer);
        var changes = app.MapGroup("/jobs").WithTags("Jobs")
            .RequireAuthorization(AuthPolicies.Editor)
            .RequireRateLimiting(AuthPolicies.Writes);
        changes.MapPost("", CreateJob)
            .Accepts<CreateJobRequest>(JsonContentType.Expected)
            .WithName(nameof(CreateJob))
            .WithMetadata(VersionHeaders.ETag)
            .WithSummary("Add a job; its id is generated when absent. An id that was ever used (even deleted) is 409.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        jobs.MapGet("", ListJobs)
            .WithName(nameof(ListJobs))
            .WithSummary("This node's jobs by id: status=active|deleted|all (default active), search=<text in the id or name, any case>, "
                         + "limit 1-500 (default 50), after=<last id of the previous page>.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        jobs.MapGet("/{id}", GetJob)
            .WithName(nameof(GetJob))
            .WithMetadata(VersionHeaders.ETag)
            .WithSummary("One job from the store. ?version=N replays versions 1..N (past the end: 404, field version); "
                         + "?asOf=<ISO-8601> replays events committed at or before then (before creation: 404); not both.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        jobs.MapGet("/{id}/history", GetHistory)
            .WithName(nameof(GetHistory))
            .WithSummary("Every event of the job in version order.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        MapChange(changes.MapPut("/{id}", UpdateJob).Accepts<UpdateJobRequest>(JsonContentType.Expected), nameof(UpdateJob),
            "Replace the definition (name, cron, timeZone, target, policy). The job as GET returns it is accepted: id must be the "
            + "path's and read-only fields (enabled, status, version, createdAt, updatedAt) must equal the job's at If-Match.");
        MapChange(WithReason(changes.MapPost("/{id}/pause", PauseJob)), nameof(PauseJob), "Pause: the job stays defined but does not fire.");
        MapChange(WithReason(changes.MapPost("/{id}/resume", ResumeJob)), nameof(ResumeJob), "Resume a paused job.");
        MapChange(WithReason(changes.MapDelete("/{id}", DeleteJob)), nameof(DeleteJob), "Soft delete: history stays readable and the job can be restored.");
        MapChange(WithReason(changes.MapPost("/{id}/restore", RestoreJob)), nameof(RestoreJob), "Restore a deleted job.");
        return app;
    }

    private static RouteHandlerBuilder WithReason(RouteHandlerBuilder route) =>
        route.Accepts<ChangeRequest>(isOptional: true, JsonContentType.Expected);

    private static void MapChange(RouteHandlerBuilder route, string name, string summary) => route
        .WithName(name)
        .WithMetadata(VersionHeaders.IfMatchAndETag)
        .WithSummary(summary + " Requires If-Match: \"<version>\" and an optional {reason} body; the actor recorded is the caller's identity.")
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status412PreconditionFailed)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
        .ProducesProblem(StatusCodes.Status428PreconditionRequired)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    public static async Task<Results<Created<JobView>, ProblemHttpResult>> CreateJob(
        HttpRequest request,
        HttpResponse response,
        JobCommandService jobs,
        CancellationToken cancellationToken)
    {
        var read = await JsonBodyReader.ReadAsync<CreateJobRequest>(request, required: true, cancellationToken);
        if (read.Problem is { } refused)
            return refused;
        var body = read.Value!;
        var errors = new List<FieldError>();
        var id = body.Id is null ? JobRequests.NewId() : JobRequests.ToId(body.Id, "id", errors);
        var definition = JobRequests.ToDefinition(body.Name, body.Cron, body.TimeZone, body.Target, body.Policy, errors);
        if (errors.Count > 0 || id is not { } job || definition is null)
            return Problems.Validation(errors);
        var actor = AuthenticatedActor.Of(request.HttpContext.User);

        var result = await jobs.AddAsync(job, definition, body.Enabled ?? true, actor, cancellationToken);
        if (result is JobChanged changed)
        {
            SetETag(response, changed.State.Version);
            return TypedResults.Created($"/jobs/{job}", JobView.From(changed.State));
        }
        return Failure(job, result, response);
    }

    public static Results<Ok<JobPage>, ProblemHttpResult> ListJobs(
        string? status, string? search, string? limit, string? after, ScheduleHolder schedule)
    {
        var errors = new List<FieldError>();
        Func<JobState, bool>? include = (status ?? "active") switch
        {
            "active" => j => j.Status == JobStatus.Active,
            "deleted" => j => j.Status == JobStatus.Deleted,
            "all" => _ => true,
            _ => null,
        };
        if (include is null)
            errors.Add(new FieldError("status", "must be active, deleted or all."));
        var size = RequestInputs.ReadInt(limit, "limit", ApiLimits.DefaultJobPage, 1, ApiLimits.MaxJobPage, errors);
        if (after is not null)
            JobRequests.ToId(after, "after", errors);
        if (search is { Length: > ApiLimits.MaxSearchLength })
            errors.Add(new FieldError("search", $"must be at most {ApiLimits.MaxSearchLength} characters."));
        var text = string.IsNullOrWhiteSpace(search) ? null : search.Trim();
        if (errors.Count > 0)
            return Problems.Validation(errors);

        var page = schedule.Current.Jobs
            .SkipWhile(j => after is not null && string.CompareOrdinal(j.Id.Value, after) <= 0)
            .Where(include!)
            .Where(j => text is null
                        || j.Id.Value.Contains(text, StringComparison.OrdinalIgnoreCase)
                        || j.Definition.Name.Contains(text, StringComparison.OrdinalIgnoreCase))
            .Take(size + 1)
            .ToList();
        var more = page.Count > size;
        var items = page.Take(size).Select(JobView.From).ToList();
        return TypedResults.Ok(new JobPage(items, more ? items[^1].Id : null));
    }

    /// <summary>
    /// The job now, or as it was at <c>version</c> (1..current; a version past the end is 404) or at <c>asOf</c>
    /// (events committed at or before that instant; before creation is 404).
    /// </summary>
    public static async Task<Results<Ok<JobView>, ProblemHttpResult>> GetJob(
        string id,
        string? version,
        string? asOf,
        HttpResponse response,
        IJobEventStore store,
        CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var parsed = JobRequests.ToId(id, "id", errors);
        var atVersion = version is null ? (long?)null : RequestInputs.ReadLong(version, "version", 0, 1, errors);
        var atTime = RequestInputs.ReadInstant(asOf, "asOf", errors);
        if (version is not null && asOf is not null)
            errors.Add(new FieldError("asOf", "cannot be combined with version; ask for one or the other."));
        if (errors.Count > 0 || parsed is not { } job)
            return Problems.Validation(errors);

        // A replay of an old version reads only the events it folds.
        var stream = atVersion is { } n
            ? await store.ReadStreamAsync(job, n, cancellationToken)
            : await store.ReadStreamAsync(job, cancellationToken);
        if (stream.Count == 0)
            return Problems.JobNotFound(job);

        JobState? state;
        if (atVersion is { } wanted)
        {
            if (wanted > stream.Count)
                return Problems.NotFoundAt(job, "version", $"version {wanted} does not exist; the job is at version {stream.Count}.");
            state = JobEvolution.Replay(stream);
        }
        else if (atTime is { } instant)
        {
            state = JobEvolution.Replay(stream.TakeWhile(e => e.Timestamp <= instant));
            if (state is null)
                return Problems.NotFoundAt(job, "asOf", $"it was created after {instant:O}.");
        }
        else
        {
            state = JobEvolution.Replay(stream);
        }

        SetETag(response, state!.Version);
        return TypedResults.Ok(JobView.From(state));
    }

    public static async Task<Results<Ok<IReadOnlyList<EventEntry>>, ProblemHttpResult>> GetHistory(
        string id, IJobEventStore store, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (JobRequests.ToId(id, "id", errors) is not { } job)
            return Problems.Validation(errors);
        var stream = await store.ReadStreamAsync(job, cancellationToken);
        if (stream.Count == 0)
            return Problems.JobNotFound(job);
        IReadOnlyList<EventEntry> entries = stream.Select(EventEntry.From).ToList();
        return TypedResults.Ok(entries);
    }

    public static async Task<Results<Ok<JobView>, ProblemHttpResult>> UpdateJob(
        string id,
        HttpRequest request,
        HttpResponse response,
        JobCommandService jobs,
        CancellationToken cancellationToken)
    {
        var read = await JsonBodyReader.ReadAsync<UpdateJobRequest>(request, required: true, cancellationToken);
        if (read.Problem is { } refused)
            return refused;
        var body = read.Value!;
        var errors = new List<FieldError>();
        var definition = JobRequests.ToDefinition(body.Name, body.Cron, body.TimeZone, body.Target, body.Policy, errors);
        var readOnly = JobRequests.ToReadOnlyFields(id, body, errors);
        return await ChangeAsync(id, request, response, errors,
            (job, expected, actor) => jobs.UpdateAsync(job, definition!, readOnly, expected, actor, cancellationToken));
    }

    public static Task<Results<Ok<JobView>, ProblemHttpResult>> PauseJob(
        string id, HttpRequest request, HttpResponse response, JobCommandService jobs, CancellationToken cancellationToken) =>
        ChangeWithReasonAsync(id, request, response,
            (job, expected, actor, reason) => jobs.PauseAsync(job, expected, actor, reason, cancellationToken), cancellationToken);

    public static Task<Results<Ok<JobView>, ProblemHttpResult>> ResumeJob(
        string id, HttpRequest request, HttpResponse response, JobCommandService jobs, CancellationToken cancellationToken) =>
        ChangeWithReasonAsync(id, request, response,
            (job, expected, actor, reason) => jobs.ResumeAsync(job, expected, actor, reason, cancellationToken), cancellationToken);

    public static Task<Results<Ok<JobView>, ProblemHttpResult>> DeleteJob(
        string id, HttpRequest request, HttpResponse response, JobCommandService jobs, CancellationToken cancellationToken) =>
        ChangeWithReasonAsync(id, request, response,
            (job, expected, actor, reason) => jobs.DeleteAsync(job, expected, actor, reason, cancellationToken), cancellationToken);

    public static Task<Results<Ok<JobView>, ProblemHttpResult>> RestoreJob(
        string id, HttpRequest request, HttpResponse response, JobCommandService jobs, CancellationToken cancellationToken) =>
        ChangeWithReasonAsync(id, request, response,
            (job, expected, actor, reason) => jobs.RestoreAsync(job, expected, actor, reason, cancellationToken), cancellationToken);

    private static async Task<Results<Ok<JobView>, ProblemHttpResult>> ChangeWithReasonAsync(
        string id,
        HttpRequest request,
        HttpResponse response,
        Func<JobId, long, string, string?, Task<CommandResult>> run,
        CancellationToken cancellationToken)
    {
        var read = await JsonBodyReader.ReadAsync<ChangeRequest>(request, required: false, cancellationToken);
        if (read.Problem is { } refused)
            return refused;
        var errors = new List<FieldError>();
        var reason = RequestInputs.ReadReason(read.Value, errors);
        return await ChangeAsync(id, request, response, errors, (job, expected, actor) => run(job, expected, actor, reason));
    }

    /// <summary>The checks every change shares, in the order the contract ranks them: id, If-Match, input, then the store.</summary>
    private static async Task<Results<Ok<JobView>, ProblemHttpResult>> ChangeAsync(
        string id,
        HttpRequest request,
        HttpResponse response,
        List<FieldError> errors,
        Func<JobId, long, string, Task<CommandResult>> run)
    {
        var idErrors = new List<FieldError>();
        if (JobRequests.ToId(id, "id", idErrors) is not { } job)
            return Problems.Validation(idErrors);
        var expected = RequestInputs.ReadIfMatch(request);
        if (expected.IsMissing)
            return Problems.PreconditionRequired();
        if (expected.IsMalformed)
            return Problems.Field("If-Match", "must be one strong ETag with the job's version, such as \"3\".");
        if (errors.Count > 0)
            return Problems.Validation(errors);

        var result = await run(job, expected.Version, AuthenticatedActor.Of(request.HttpContext.User));
        if (result is JobChanged changed)
        {
            SetETag(response, changed.State.Version);
            return TypedResults.Ok(JobView.From(changed.State));
        }
        return Failure(job, result, response);
    }

    private static ProblemHttpResult Failure(JobId job, CommandResult result, HttpResponse response)
    {
        switch (result)
        {
            case JobMissing:
                return Problems.JobNotFound(job);
            case StaleVersion stale:
                SetETag(response, stale.CurrentVersion);
                return Problems.Stale(job, stale.CurrentVersion);
            case CommandRejected { Kind: RejectionKind.ReadOnlyField or RejectionKind.InvalidField } rejected:
                return Problems.Validation(rejected.Fields);
            case CommandRejected rejected:
                return Problems.Rejected(rejected.Kind, rejected.Reason);
            default:
                throw new InvalidOperationException($"Unexpected command result {result.GetType().Name}.");
        }
    }

    private static void SetETag(HttpResponse response, long version) => response.Headers.ETag = RequestInputs.ETag(version);
}
