using System.Text.Json.Serialization;

namespace JobLog.Api.Api;

/// <summary>Body of <c>POST /jobs</c>. Every member is nullable so a missing field is reported by name, not as a parse error.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateJobRequest
{
    /// <summary>1–64 characters of [a-z0-9-_]; generated when absent.</summary>
    public string? Id { get; init; }

    public string? Name { get; init; }

    /// <summary>5 fields (minute hour day month weekday) or 6 with seconds first.</summary>
    public string? Cron { get; init; }

    /// <summary>IANA time zone; default UTC.</summary>
    public string? TimeZone { get; init; }

    public TargetRequest? Target { get; init; }

    /// <summary>How the leader dispatches the job; omitted members take their defaults.</summary>
    public PolicyRequest? Policy { get; init; }

    /// <summary>Default true.</summary>
    public bool? Enabled { get; init; }
}
