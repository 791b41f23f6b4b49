namespace JobLog.Api.Api;

/// <summary>The run of a job the leader is delivering now.</summary>
public sealed record InFlightView(long RunId, DateTimeOffset ScheduledAt);
