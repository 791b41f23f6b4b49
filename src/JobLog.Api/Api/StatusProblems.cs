using Microsoft.AspNetCore.Mvc;

namespace JobLog.Api.Api;

/// <summary>
/// The problem for an answer known only by its status: written by the framework, by the web server, or for an
/// exception we do not know more about. Every text here is ours and fixed, so no exception message, SQL or stack trace
/// can reach a client through it.
/// </summary>
public static class StatusProblems
{
    public const string InternalDetail =
        "An unexpected error occurred and was logged. If you sent a change, read the job to see whether it was applied; "
        + "quote the traceId when you report the error.";

    public static ProblemDetails For(int status)
    {
        var (title, detail, field) = Describe(status);
        var problem = new ProblemDetails
        {
            Type = ProblemTypes.ForStatus(status),
            Title = title,
            Status = status,
            Detail = detail,
        };
        if (field is not null)
            problem.Extensions[Problems.FieldExtension] = field;
        return problem;
    }

    public static (string Title, string Detail, string? Field) Describe(int status) => status switch
    {
        StatusCodes.Status400BadRequest => ("The request could not be read.",
            "The request is not well-formed HTTP: its request line, headers or body framing are invalid.", null),
        StatusCodes.Status401Unauthorized => ("Authentication is required.",
            "This endpoint needs a credential: send Authorization: Bearer <API key or token>.", "Authorization"),
        StatusCodes.Status403Forbidden => ("Your role does not allow this.", "The authenticated identity's role does not allow this request.", null),
        StatusCodes.Status404NotFound => ("Not found.", "There is no resource at this path.", null),
        StatusCodes.Status405MethodNotAllowed => ("The method is not allowed.",
            "This resource does not support the request's method; the Allow header lists the ones it does.", null),
        StatusCodes.Status406NotAcceptable => ("Not acceptable.", "The API answers in JSON only.", "Accept"),
        StatusCodes.Status408RequestTimeout => ("The request took too long.",
            "The server stopped waiting: the request's headers or body did not arrive in time. Nothing was changed.", null),
        StatusCodes.Status411LengthRequired => ("The request body has no length.",
            "A request with a body needs Content-Length or Transfer-Encoding: chunked.", "Content-Length"),
        StatusCodes.Status413PayloadTooLarge => ("The request body is too large.",
            $"Request bodies are limited to {ApiLimits.MaxBodyBytes} bytes.", "body"),
        StatusCodes.Status414UriTooLong => ("The request target is too long.",
            "The request line is longer than the server accepts.", null),
        StatusCodes.Status415UnsupportedMediaType => ("The request body's media type is not supported.",
            Problems.UnsupportedMediaTypeDetail, "Content-Type"),
        StatusCodes.Status429TooManyRequests => ("Too many requests.", "Too many requests; retry after the time in Retry-After.", null),
        StatusCodes.Status431RequestHeaderFieldsTooLarge => ("The request headers are too large.",
            "The request's headers are larger than the server accepts.", null),
        >= 400 and < 500 => ("The request was refused.", "The request cannot be served as it was sent.", null),
        StatusCodes.Status503ServiceUnavailable => ("The service is unavailable.",
            "The node cannot serve the request now; retry in a moment.", null),
        StatusCodes.Status505HttpVersionNotsupported => ("The HTTP version is not supported.",
            "Send the request as HTTP/1.1.", null),
        _ => ("The server failed.", InternalDetail, null),
    };
}
