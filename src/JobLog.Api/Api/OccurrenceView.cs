namespace JobLog.Api.Api;

/// <param name="InFlight">The job's run the leader is delivering now; null when none (or on a node that does not lead).</param>
public sealed record OccurrenceView(string JobId, long Version, DateTimeOffset At, InFlightView? InFlight = null);
