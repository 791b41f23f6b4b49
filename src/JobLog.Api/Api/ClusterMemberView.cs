namespace JobLog.Api.Api;

/// <param name="Digest">The member's schedule digest as it published it with its applied sequence; null from a node that does not publish one.</param>
public sealed record ClusterMemberView(string NodeId, string? Url, long AppliedSequence, string? Digest);
