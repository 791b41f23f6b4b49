namespace JobLog.Cluster;

/// <summary>The cluster as one node sees it in ZooKeeper.</summary>
public sealed record ClusterView(string? Leader, long? Epoch, IReadOnlyList<ClusterMember> Members)
{
    public static readonly ClusterView Unknown = new(null, null, []);
}
