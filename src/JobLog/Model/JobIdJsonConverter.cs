using System.Text.Json;
using System.Text.Json.Serialization;

namespace JobLog.Model;

public sealed class JobIdJsonConverter : JsonConverter<JobId>
{
    public override JobId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        return JobId.TryParse(text, out var id, out var error)
            ? id
            : throw new JsonException($"Job id '{text}' {error}.");
    }

    public override void Write(Utf8JsonWriter writer, JobId value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Value);
}
