namespace JobLog.Cluster;

/// <summary>A node registered in nodes/: what it publishes about itself.</summary>
/// <param name="Digest">Its schedule's digest as it last published it (null when it has not, or runs an older version).</param>
public sealed record ClusterMember(string NodeId, string? Url, DateTimeOffset? StartedAt, long AppliedSequence, string? Digest = null);
