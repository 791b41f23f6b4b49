using JobLog.Model;

namespace JobLog.Api.Api;

public sealed record FeedEntry(
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
    public static FeedEntry From(RecordedEvent recorded) => new(
        recorded.Sequence,
        recorded.Job.Value,
        recorded.Version,
        recorded.Event.GetType().Name,
        recorded.Timestamp,
        recorded.Event.By.Actor,
        recorded.Event.By.Node,
        recorded.Event.By.Reason,
        ApiJson.DataOf(recorded.Event));
}
