using JobLog.Store;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace JobLog.Api.Api;

/// <summary>
/// The one place an exception becomes an answer. It is classified by its type and status code only, and the
/// problem's texts are ours: an exception's message can carry SQL, connection details or internal names, so it
/// goes to the log, never to the client.
/// </summary>
public sealed partial class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException refused => Refused(httpContext, refused),
            StoreUnavailableException unavailable => Unavailable(httpContext, unavailable),
            _ => Internal(httpContext, exception),
        };

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

    /// <summary>The web server refused the request while it was read (a body too large, cut short or too slow).</summary>
    private ProblemDetails Refused(HttpContext httpContext, BadHttpRequestException refused)
    {
        LogRefused(logger, Problems.TraceIdOf(httpContext), refused.StatusCode, refused);
        var problem = StatusProblems.For(refused.StatusCode);
        // Inside the app, what the server still reads of a request is its body.
        if (refused.StatusCode == StatusCodes.Status400BadRequest)
        {
            problem.Detail = "The request body could not be read: its framing is invalid or it ended before its declared length.";
            problem.Extensions[Problems.FieldExtension] = "body";
        }
        return problem;
    }

    private ProblemDetails Unavailable(HttpContext httpContext, StoreUnavailableException unavailable)
    {
        LogStoreUnavailable(logger, Problems.TraceIdOf(httpContext), unavailable);
        var reading = HttpMethods.IsGet(httpContext.Request.Method) || HttpMethods.IsHead(httpContext.Request.Method);
        return new ProblemDetails
        {
            Type = ProblemTypes.StoreUnavailable,
            Title = "The event store is unavailable.",
            Status = StatusCodes.Status503ServiceUnavailable,
            Detail = reading
                ? "The event store did not answer in time; retry in a moment."
                : "The event store did not answer in time. The change may or may not have been recorded: read the job before you retry.",
        };
    }

    private ProblemDetails Internal(HttpContext httpContext, Exception exception)
    {
        LogUnhandled(logger, Problems.TraceIdOf(httpContext), httpContext.Request.Method, httpContext.Request.Path, exception);
        return StatusProblems.For(StatusCodes.Status500InternalServerError);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Request {TraceId} refused by the server with {Status}")]
    private static partial void LogRefused(ILogger logger, string traceId, int status, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {TraceId}: the event store is unavailable")]
    private static partial void LogStoreUnavailable(ILogger logger, string traceId, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {TraceId} ({Method} {Path}) failed with an unhandled exception")]
    private static partial void LogUnhandled(ILogger logger, string traceId, string method, string path, Exception exception);
}
