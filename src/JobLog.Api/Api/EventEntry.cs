using JobLog.Model;

namespace JobLog.Api.Api;

/// <summary>One recorded event as the history of a job and the global audit feed show it.</summary>
public sealed record EventEntry(
    long Sequence,
    string JobId,
    long Version,
    string Type,
    DateTimeOffset Timestamp,
    string Actor,
    string Node,
    string? Reason,
    object Data)
{
    public static EventEntry From(RecordedEvent recorded) => new(
        recorded.Sequence,
        recorded.Job.Value,
        recorded.Version,
        JobEventTypes.NameOf(recorded.Event),
        recorded.Timestamp,
        recorded.Event.By.Actor,
        recorded.Event.By.Node,
        recorded.Event.By.Reason,
        ApiJson.DataOf(recorded.Event));
}
