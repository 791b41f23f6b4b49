namespace JobLog.Api.OpenApi;

/// <summary>
/// Endpoint metadata for the OpenAPI document: the endpoint answers with the job's version in <c>ETag</c>, and, for a
/// change, requires the version the client saw in <c>If-Match</c> (428 without it, 412 when it is stale).
/// </summary>
public sealed record VersionHeaders(bool RequiresIfMatch)
{
    public static VersionHeaders ETag { get; } = new(RequiresIfMatch: false);

    public static VersionHeaders IfMatchAndETag { get; } = new(RequiresIfMatch: true);
}
