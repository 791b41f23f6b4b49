namespace JobLog.Api.Api;

/// <summary>The stable <c>type</c> URIs of every problem the API returns; clients may switch on them.</summary>
public static class ProblemTypes
{
    public const string Base = "https://joblog.dev/problems/";

    public const string Validation = Base + "validation";
    public const string MalformedJson = Base + "malformed-json";
    public const string NotFound = Base + "not-found";
    public const string VersionNotFound = Base + "version-not-found";
    public const string AlreadyExists = Base + "already-exists";
    public const string InvalidTransition = Base + "invalid-transition";
    public const string PreconditionRequired = Base + "precondition-required";
    public const string PreconditionFailed = Base + "precondition-failed";
    public const string PayloadTooLarge = Base + "payload-too-large";
    public const string UnsupportedMediaType = Base + "unsupported-media-type";
    public const string MethodNotAllowed = Base + "method-not-allowed";
    public const string BadRequest = Base + "bad-request";
    public const string RequestTimeout = Base + "request-timeout";
    public const string LengthRequired = Base + "length-required";
    public const string UriTooLong = Base + "uri-too-long";
    public const string HeadersTooLarge = Base + "headers-too-large";
    public const string NotAcceptable = Base + "not-acceptable";
    public const string Conflict = Base + "conflict";
    public const string Unauthenticated = Base + "unauthenticated";
    public const string Forbidden = Base + "forbidden";
    public const string TooManyRequests = Base + "too-many-requests";
    public const string StoreUnavailable = Base + "store-unavailable";
    public const string NotReady = Base + "not-ready";
    public const string HttpVersionNotSupported = Base + "http-version-not-supported";
    public const string Internal = Base + "internal";

    /// <summary>
    /// The type of a problem known only by its status (written by the framework or the web server). Every 4xx gets a
    /// client-error type, never <see cref="Internal"/>: a status this list does not name is still the client's fault.
    /// </summary>
    public static string ForStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest => BadRequest,
        StatusCodes.Status401Unauthorized => Unauthenticated,
        StatusCodes.Status403Forbidden => Forbidden,
        StatusCodes.Status404NotFound => NotFound,
        StatusCodes.Status405MethodNotAllowed => MethodNotAllowed,
        StatusCodes.Status406NotAcceptable => NotAcceptable,
        StatusCodes.Status408RequestTimeout => RequestTimeout,
        StatusCodes.Status409Conflict => Conflict,
        StatusCodes.Status411LengthRequired => LengthRequired,
        StatusCodes.Status412PreconditionFailed => PreconditionFailed,
        StatusCodes.Status413PayloadTooLarge => PayloadTooLarge,
        StatusCodes.Status414UriTooLong => UriTooLong,
        StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaType,
        StatusCodes.Status428PreconditionRequired => PreconditionRequired,
        StatusCodes.Status429TooManyRequests => TooManyRequests,
        StatusCodes.Status431RequestHeaderFieldsTooLarge => HeadersTooLarge,
        >= 400 and < 500 => BadRequest,
        StatusCodes.Status503ServiceUnavailable => StoreUnavailable,
        StatusCodes.Status505HttpVersionNotsupported => HttpVersionNotSupported,
        _ => Internal,
    };
}
