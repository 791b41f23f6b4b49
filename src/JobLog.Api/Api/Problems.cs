using System.Diagnostics;
using JobLog.Model;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace JobLog.Api.Api;

/// <summary>Builds the API's RFC 9457 problem documents: a stable type, and the field at fault where there is one.</summary>
public static class Problems
{
    public const string FieldExtension = "field";
    public const string CurrentVersionExtension = "currentVersion";
    public const string TraceIdExtension = "traceId";

    public const string UnsupportedMediaTypeDetail =
        "Send the request body as JSON in UTF-8: Content-Type: application/json, with no charset or charset=utf-8.";

    public static ProblemHttpResult Validation(IReadOnlyList<FieldError> errors) =>
        TypedResults.Problem(ValidationDocument(errors, ProblemTypes.Validation, "The request is invalid."));

    public static ProblemHttpResult Field(string field, string message) => Validation([new FieldError(field, message)]);

    public static HttpValidationProblemDetails ValidationDocument(IReadOnlyList<FieldError> errors, string type, string title)
    {
        var byField = errors
            .GroupBy(e => e.Field, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray(), StringComparer.Ordinal);
        var problem = new HttpValidationProblemDetails(byField)
        {
            Type = type,
            Title = title,
            Status = StatusCodes.Status400BadRequest,
            Detail = string.Join(" ", errors.Select(e => $"{e.Field}: {e.Message}")),
        };
        if (byField.Count == 1)
            problem.Extensions[FieldExtension] = byField.Keys.Single();
        return problem;
    }

    public static ProblemHttpResult MalformedJson(long line, long bytePositionInLine) =>
        TypedResults.Problem(ValidationDocument(
            [new FieldError("body", $"is not well-formed JSON (line {line + 1}, byte {bytePositionInLine + 1}).")],
            ProblemTypes.MalformedJson,
            "The request body is not valid JSON."));

    public static ProblemHttpResult NotUtf8() =>
        TypedResults.Problem(ValidationDocument(
            [new FieldError("body", "is not valid UTF-8; JSON bodies are read as UTF-8 only.")],
            ProblemTypes.MalformedJson,
            "The request body is not valid JSON."));

    public static ProblemHttpResult JobNotFound(JobId job) => TypedResults.Problem(new ProblemDetails
    {
        Type = ProblemTypes.NotFound,
        Title = "The job does not exist.",
        Status = StatusCodes.Status404NotFound,
        Detail = $"No job with id '{job}' was ever created.",
        Extensions = { [FieldExtension] = "id" },
    });

    public static ProblemHttpResult NotFoundAt(JobId job, string field, string detail) => TypedResults.Problem(new ProblemDetails
    {
        Type = ProblemTypes.VersionNotFound,
        Title = "The job did not exist at that point.",
        Status = StatusCodes.Status404NotFound,
        Detail = $"Job '{job}': {detail}",
        Extensions = { [FieldExtension] = field },
    });

    public static ProblemHttpResult PreconditionRequired() => TypedResults.Problem(new ProblemDetails
    {
        Type = ProblemTypes.PreconditionRequired,
        Title = "If-Match is required.",
        Status = StatusCodes.Status428PreconditionRequired,
        Detail = "Send If-Match: \"<version>\" with the version (ETag) you last read, so a concurrent change is not overwritten.",
        Extensions = { [FieldExtension] = "If-Match" },
    });

    public static ProblemHttpResult Stale(JobId job, long currentVersion) => TypedResults.Problem(new ProblemDetails
    {
        Type = ProblemTypes.PreconditionFailed,
        Title = "The job has changed since you read it.",
        Status = StatusCodes.Status412PreconditionFailed,
        Detail = $"Job '{job}' is at version {currentVersion}; read it again and retry with that version.",
        Extensions = { [FieldExtension] = "If-Match", [CurrentVersionExtension] = currentVersion },
    });

    public static ProblemHttpResult Rejected(RejectionKind kind, string reason) => TypedResults.Problem(new ProblemDetails
    {
        Type = kind == RejectionKind.AlreadyExists ? ProblemTypes.AlreadyExists : ProblemTypes.InvalidTransition,
        Title = kind == RejectionKind.AlreadyExists ? "The job already exists." : "The job's state does not allow this.",
        Status = StatusCodes.Status409Conflict,
        Detail = reason,
        Extensions = { [FieldExtension] = kind == RejectionKind.AlreadyExists ? "id" : "status" },
    });

    public static ProblemHttpResult NotReady(string reason) => TypedResults.Problem(new ProblemDetails
    {
        Type = ProblemTypes.NotReady,
        Title = "This node is not ready.",
        Status = StatusCodes.Status503ServiceUnavailable,
        Detail = reason,
    });

    /// <summary>
    /// Gives problems written by the framework (status-code pages) the API's type, title and a detail of our own, and
    /// every problem the request's trace id.
    /// </summary>
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        if (problem.Type is null || !problem.Type.StartsWith(ProblemTypes.Base, StringComparison.Ordinal))
        {
            var known = StatusProblems.For(status);
            problem.Type = known.Type;
            problem.Title = known.Title;
            problem.Detail = known.Detail;
            foreach (var (name, value) in known.Extensions)
                problem.Extensions.TryAdd(name, value);
        }
        problem.Extensions[TraceIdExtension] = TraceIdOf(context.HttpContext);
    }

    /// <summary>The id a problem shows and the log records for the request, so a reported problem finds its log entry.</summary>
    public static string TraceIdOf(HttpContext context) => Activity.Current?.Id ?? context.TraceIdentifier;
}
