using System.Text.Json.Serialization;

namespace JobLog.Api.Api;

/// <summary>
/// Body of <c>PUT /jobs/{id}</c>: the whole definition. Omitted optional fields take their defaults. The job as
/// <c>GET</c> returns it is accepted too: <c>id</c> must be the path's, and the read-only fields, when sent, must equal
/// the job's values at the <c>If-Match</c> version.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record UpdateJobRequest
{
    public string? Name { get; init; }

    public string? Cron { get; init; }

    public string? TimeZone { get; init; }

    public TargetRequest? Target { get; init; }

    /// <summary>Writable like the other definition fields; omitted (or omitted members) takes the defaults again.</summary>
    public PolicyRequest? Policy { get; init; }

    /// <summary>Read-only: the job's id, as in the path.</summary>
    public string? Id { get; init; }

    /// <summary>Read-only: changed by pause and resume.</summary>
    public bool? Enabled { get; init; }

    /// <summary>Read-only: <c>active</c> or <c>deleted</c>, changed by delete and restore.</summary>
    public string? Status { get; init; }

    /// <summary>Read-only: the version named in If-Match.</summary>
    public long? Version { get; init; }

    /// <summary>Read-only: set by the server.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>Read-only: set by the server.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
}
