using System.Text.Json.Serialization;

namespace JobLog.Api.Api;

/// <summary>
/// The <c>policy</c> of a job in <c>POST /jobs</c> and <c>PUT /jobs/{id}</c>. Every member may be omitted (or null) and
/// then takes its default; the choices are strings spelled exactly as the job shows them.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PolicyRequest
{
    /// <summary>fireOnce (default), skip or fireAll.</summary>
    public string? Misfire { get; init; }

    /// <summary>0–604800; default 3600. 0: no catch-up at all.</summary>
    public int? CatchUpWindowSeconds { get; init; }

    /// <summary>forbid (default), allow or replace.</summary>
    public string? Concurrency { get; init; }

    public RetryRequest? Retry { get; init; }
}
