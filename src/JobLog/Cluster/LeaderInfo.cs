namespace JobLog.Cluster;

/// <summary>The node whose election node is the lowest, and that node's sequence number: its epoch.</summary>
public sealed record LeaderInfo(string NodeId, long Epoch);
