using System.Text.Json;
using JobLog.Model;

namespace JobLog.Cluster;

/// <summary>
/// The data of a job's znode: its latest event (registered type name, the event's fields, stream version, global
/// sequence, commit time) and the job's whole state after it, as UTF-8 JSON. A reader applies the event; the state
/// lets anyone read the job from ZooKeeper alone.
/// </summary>
public static class JobZnode
{
    private static readonly JsonSerializerOptions Json = ScheduleSerializer.Canonical;

    public static byte[] Encode(RecordedEvent recorded, JobState state)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", JobEventTypes.NameOf(recorded.Event));
            writer.WriteString("job", recorded.Job.Value);
            writer.WriteNumber("version", recorded.Version);
            writer.WriteNumber("sequence", recorded.Sequence);
            writer.WriteString("timestamp", recorded.Timestamp);
            writer.WritePropertyName("event");
            JsonSerializer.Serialize(writer, recorded.Event, recorded.Event.GetType(), Json);
            writer.WritePropertyName("state");
            JsonSerializer.Serialize(writer, state, Json);
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// The event a job's znode carries, or null when the data is not such a record for <paramref name="job"/> (an event
    /// type this node does not know, or anything else): the caller then reads the job from the store.
    /// </summary>
    public static RecordedEvent? TryDecode(JobId job, ReadOnlySpan<byte> data)
    {
        try
        {
            using var document = JsonDocument.Parse(data.ToArray());
            var root = document.RootElement;
            if (!JobEventTypes.TryFind(root.GetProperty("type").GetString() ?? "", out var type)
                || root.GetProperty("job").GetString() != job.Value)
                return null;
            if (root.GetProperty("event").Deserialize(type, Json) is not IJobEvent change || change.Job != job)
                return null;
            return new RecordedEvent(
                change,
                root.GetProperty("version").GetInt64(),
                root.GetProperty("sequence").GetInt64(),
                root.GetProperty("timestamp").GetDateTimeOffset());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
