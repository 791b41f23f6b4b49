namespace JobLog.Api.Api;

/// <summary>The stable <c>type</c> URIs of every problem the API returns; clients may switch on them.</summary>
public static class ProblemTypes
{
    private const string Base = "https://joblog.dev/problems/";

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
    public const string StoreUnavailable = Base + "store-unavailable";
    public const string NotReady = Base + "not-ready";
    public const string Internal = Base + "internal";

    public static string ForStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest => BadRequest,
        StatusCodes.Status404NotFound => NotFound,
        StatusCodes.Status405MethodNotAllowed => MethodNotAllowed,
        StatusCodes.Status412PreconditionFailed => PreconditionFailed,
        StatusCodes.Status413PayloadTooLarge => PayloadTooLarge,
        StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaType,
        StatusCodes.Status428PreconditionRequired => PreconditionRequired,
        StatusCodes.Status503ServiceUnavailable => StoreUnavailable,
        _ => Internal,
    };
}
