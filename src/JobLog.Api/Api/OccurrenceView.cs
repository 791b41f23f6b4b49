namespace JobLog.Api.Api;

public sealed record OccurrenceView(string JobId, long Version, DateTimeOffset At);
