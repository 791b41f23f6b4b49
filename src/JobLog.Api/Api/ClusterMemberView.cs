namespace JobLog.Api.Api;

public sealed record ClusterMemberView(string NodeId, string? Url, long AppliedSequence);
