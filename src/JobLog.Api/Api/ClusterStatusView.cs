using System.Text.Json.Serialization;

namespace JobLog.Api.Api;

/// <summary>The body of <c>GET /cluster</c>.</summary>
public sealed record ClusterStatusView(
    string NodeId,
    string? Leader,
    long? Epoch,
    IReadOnlyList<ClusterMemberView> Members,
    long AppliedSequence,
    int JobCount,
    string Digest,
    [property: JsonPropertyName("zookeeper")] string ZooKeeper,
    bool Stale,
    DispatcherView? Dispatcher = null);
