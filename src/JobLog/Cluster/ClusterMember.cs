namespace JobLog.Cluster;

/// <summary>A node registered in nodes/: what it publishes about itself.</summary>
public sealed record ClusterMember(string NodeId, string? Url, DateTimeOffset? StartedAt, long AppliedSequence);
