using System.Text.Json.Serialization;

namespace JobLog.Api.Api;

/// <summary>Body of <c>PUT /jobs/{id}</c>: the whole definition. Omitted optional fields take their defaults.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record UpdateJobRequest
{
    public string? Name { get; init; }

    public string? Cron { get; init; }

    public string? TimeZone { get; init; }

    public TargetRequest? Target { get; init; }
}
