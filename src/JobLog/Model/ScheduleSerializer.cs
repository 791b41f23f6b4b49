using System.Text.Json;
using System.Text.Json.Serialization;

namespace JobLog.Model;

/// <summary>
/// A canonical byte form of a schedule: jobs by id, fields in declaration order, no whitespace.
/// Two nodes hold the same schedule exactly when these bytes are equal.
/// </summary>
public static class ScheduleSerializer
{
    /// <summary>The canonical JSON options: camelCase members in declaration order, enums as camelCase strings, no whitespace.</summary>
    public static readonly JsonSerializerOptions Canonical = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        WriteIndented = false,
    };

    public static byte[] ToCanonicalJson(Schedule schedule) =>
        JsonSerializer.SerializeToUtf8Bytes(schedule.Jobs.ToArray(), Canonical);

    /// <summary>One job in the same form as it has inside <see cref="ToCanonicalJson(Schedule)"/>.</summary>
    public static byte[] ToCanonicalJson(JobState job) => JsonSerializer.SerializeToUtf8Bytes(job, Canonical);
}
