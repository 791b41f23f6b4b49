using System.Text.Json.Serialization;

namespace JobLog.Api.Api;

/// <summary>The <c>policy.retry</c> of a job; every member may be omitted (or null) and then takes its default.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RetryRequest
{
    /// <summary>1–10; default 3.</summary>
    public int? Attempts { get; init; }

    /// <summary>0–3600; default 1.</summary>
    public int? BackoffSeconds { get; init; }

    /// <summary>backoffSeconds–86400; default 60.</summary>
    public int? MaxBackoffSeconds { get; init; }
}
