namespace JobLog.Integration.Cluster;

/// <summary>The body of a node's <c>GET /cluster</c>.</summary>
public sealed record ClusterStatus(
    string NodeId,
    string? Leader,
    long? Epoch,
    IReadOnlyList<ClusterMemberStatus> Members,
    long AppliedSequence,
    int JobCount,
    string Digest,
    string ZooKeeper,
    bool Stale,
    DispatcherStatus? Dispatcher = null);
