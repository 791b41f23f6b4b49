using System.Text.Json.Serialization;

namespace JobLog.Api.Api;

/// <summary>Optional body of pause, resume, delete and restore.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ChangeRequest
{
    /// <summary>Why; recorded on the event. At most 1000 characters, no control characters.</summary>
    public string? Reason { get; init; }
}
