namespace JobLog.Integration.Cluster;

public sealed record ClusterMemberStatus(string NodeId, string? Url, long AppliedSequence);
