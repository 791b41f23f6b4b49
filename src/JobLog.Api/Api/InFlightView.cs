namespace JobLog.Api.Api;

/// <summary>The run of a job being delivered now (claimed, without an outcome yet).</summary>
public sealed record InFlightView(long RunId, DateTimeOffset ScheduledAt);
