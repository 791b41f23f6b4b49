using JobLog.Cluster;
using Microsoft.Extensions.Options;

namespace JobLog.Dispatch.Leader;

/// <summary>
/// Leadership from the ZooKeeper election; a node without ZooKeeper configured runs alone (as <c>ZooKeeperSession</c>
/// decides) and so leads with epoch 0.
/// </summary>
public sealed class ClusterDispatchLeadership(ClusterLeadership leadership, IOptions<ClusterOptions> options) : IDispatchLeadership
{
    private readonly bool _alone = !options.Value.IsConfigured;

    public bool IsLeader => _alone || leadership.IsLeader;

    public long Epoch => _alone ? 0 : leadership.Epoch;
}
