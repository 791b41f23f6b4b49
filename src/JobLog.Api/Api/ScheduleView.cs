namespace JobLog.Api.Api;

public sealed record ScheduleView(DateTimeOffset From, IReadOnlyList<OccurrenceView> Items);
