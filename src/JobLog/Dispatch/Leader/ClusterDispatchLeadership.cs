using JobLog.Cluster;
using Microsoft.Extensions.Options;

namespace JobLog.Dispatch.Leader;

/// <summary>
/// Leadership from the ZooKeeper election: the election's incarnation and this node's epoch in it. A node without
/// ZooKeeper configured runs alone (as <c>ZooKeeperSession</c> decides) and so leads, with epoch 0 and an incarnation
/// of its own process (<see cref="DispatchFenceToken.Alone"/>).
/// </summary>
public sealed class ClusterDispatchLeadership(ClusterLeadership leadership, IOptions<ClusterOptions> options) : IDispatchLeadership
{
    private readonly DispatchFenceToken? _alone = options.Value.IsConfigured ? null : DispatchFenceToken.Alone();

    public DispatchFenceToken? Current =>
        _alone ?? (leadership.View is { IsLeader: true, Epoch: { } epoch, Incarnation: { } incarnation }
            ? new DispatchFenceToken(incarnation, epoch)
            : null);
}
