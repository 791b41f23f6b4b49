using System.Text.Json;
using JobLog.Model;
using JobLog.Store;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace JobLog.Api.Api;

/// <summary>
/// Turns the exceptions that mean "bad input" or "store unreachable" into problem documents; everything else is
/// left to the default handler as a 500.
/// </summary>
public sealed partial class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException { InnerException: JsonException json } => FromJson(json),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => TooLarge(),
            BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest } bad
                when bad.Message.Contains("no body was provided", StringComparison.Ordinal) =>
                Problems.ValidationDocument([new FieldError("body", "is required: send the JSON document.")],
                    ProblemTypes.Validation, "The request is invalid."),
            BadHttpRequestException bad => new ProblemDetails
            {
                Type = ProblemTypes.ForStatus(bad.StatusCode),
                Title = "The request could not be read.",
                Status = bad.StatusCode,
                Detail = bad.Message,
                Extensions = { [Problems.FieldExtension] = "body" },
            },
            StoreUnavailableException unavailable => Unavailable(unavailable),
            _ => null,
        };
        if (problem is null)
            return false;

        httpContext.Response.StatusCode = problem.Status!.Value;
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
            httpContext.Response.Headers.RetryAfter = "1";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static ProblemDetails FromJson(JsonException json)
    {
        var field = ApiJson.FieldOf(json.Path);
        var message = json.Message switch
        {
            var m when m.Contains("could not be mapped to any .NET member", StringComparison.Ordinal) => "is not a known field.",
            var m when m.Contains("could not be converted", StringComparison.Ordinal) => "has the wrong JSON type.",
            var m when m.Contains("Duplicate", StringComparison.OrdinalIgnoreCase) => "is given more than once.",
            _ => "is not well-formed JSON.",
        };
        var malformed = message == "is not well-formed JSON.";
        return Problems.ValidationDocument(
            [new FieldError(field, message)],
            malformed ? ProblemTypes.MalformedJson : ProblemTypes.Validation,
            malformed ? "The request body is not valid JSON." : "The request is invalid.");
    }

    private static ProblemDetails TooLarge() => new()
    {
        Type = ProblemTypes.PayloadTooLarge,
        Title = "The request body is too large.",
        Status = StatusCodes.Status413PayloadTooLarge,
        Detail = $"Request bodies are limited to {ApiLimits.MaxBodyBytes} bytes.",
        Extensions = { [Problems.FieldExtension] = "body" },
    };

    private ProblemDetails Unavailable(StoreUnavailableException unavailable)
    {
        LogStoreUnavailable(logger, unavailable.Message);
        return new ProblemDetails
        {
            Type = ProblemTypes.StoreUnavailable,
            Title = "The event store is unavailable.",
            Status = StatusCodes.Status503ServiceUnavailable,
            Detail = unavailable.Message,
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Store unavailable: {Reason}")]
    private static partial void LogStoreUnavailable(ILogger logger, string reason);
}
