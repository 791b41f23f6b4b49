namespace JobLog.Api.Api;

/// <param name="InFlightUnknown">True when the run store could not be reached, so no item says whether its job has a run in flight.</param>
public sealed record ScheduleView(DateTimeOffset From, IReadOnlyList<OccurrenceView> Items, bool InFlightUnknown);
