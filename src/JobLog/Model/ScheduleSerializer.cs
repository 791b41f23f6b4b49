using System.Collections.Immutable;
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
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase), new HeadersInOrdinalOrder() },
        WriteIndented = false,
    };

    public static byte[] ToCanonicalJson(Schedule schedule) =>
        JsonSerializer.SerializeToUtf8Bytes(schedule.Jobs.ToArray(), Canonical);

    // A sorted dictionary writes in its comparer's order, and the same headers may come with an ordinal comparer or
    // with the culture-sensitive default System.Text.Json uses when reading them back: the bytes must not differ.
    private sealed class HeadersInOrdinalOrder : JsonConverter<ImmutableSortedDictionary<string, string>>
    {
        public override ImmutableSortedDictionary<string, string> Read(
            ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("The canonical form is only written, never read.");

        public override void Write(
            Utf8JsonWriter writer, ImmutableSortedDictionary<string, string> value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            foreach (var (name, header) in WebhookTarget.InOrdinalOrder(value))
            {
                writer.WritePropertyName(name);
                writer.WriteStringValue(header);
            }
            writer.WriteEndObject();
        }
    }
}
