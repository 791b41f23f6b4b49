using System.Text.Json.Serialization;

namespace JobLog.Api.Api;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TargetRequest
{
    /// <summary>Absolute http or https URL.</summary>
    public string? Url { get; init; }

    /// <summary>GET, POST, PUT, PATCH or DELETE in any case; default POST.</summary>
    public string? Method { get; init; }

    public Dictionary<string, string?>? Headers { get; init; }

    public string? Body { get; init; }

    /// <summary>1–300; default 30.</summary>
    public int? TimeoutSeconds { get; init; }
}
