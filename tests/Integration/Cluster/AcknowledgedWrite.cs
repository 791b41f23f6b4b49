namespace JobLog.Integration.Cluster;

/// <summary>A write a node answered with 2xx: the job must hold <paramref name="Version"/>, made by <paramref name="EventType"/>, everywhere.</summary>
public sealed record AcknowledgedWrite(string Job, long Version, string EventType);
