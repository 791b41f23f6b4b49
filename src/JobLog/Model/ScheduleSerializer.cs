using System.Text.Json;
using System.Text.Json.Serialization;

namespace JobLog.Model;

/// <summary>
/// A canonical byte form of a schedule: jobs by id, fields in declaration order, no whitespace.
/// Two nodes hold the same schedule exactly when these bytes are equal.
/// </summary>
public static class ScheduleSerializer
{
    private static readonly JsonSerializerOptions Canonical = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        WriteIndented = false,
    };

    public static byte[] ToCanonicalJson(Schedule schedule) =>
        JsonSerializer.SerializeToUtf8Bytes(schedule.Jobs.ToArray(), Canonical);
}
