using JobLog.Model;

namespace JobLog.Api.Api;

public sealed record HistoryEntry(
    long Version,
    long Sequence,
    string Type,
    DateTimeOffset Timestamp,
    string Actor,
    string Node,
    string? Reason,
    object Data)
{
    public static HistoryEntry From(RecordedEvent recorded) => new(
        recorded.Version,
        recorded.Sequence,
        recorded.Event.GetType().Name,
        recorded.Timestamp,
        recorded.Event.By.Actor,
        recorded.Event.By.Node,
        recorded.Event.By.Reason,
        ApiJson.DataOf(recorded.Event));
}
