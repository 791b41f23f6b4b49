using JobLog.Cluster;
using JobLog.Node;
using Microsoft.Extensions.Options;

namespace JobLog.Dispatch.Leader;

/// <summary>
/// Leadership from the ZooKeeper election: the election's incarnation and this node's epoch in it. A node without
/// ZooKeeper configured runs alone (as <c>ZooKeeperSession</c> decides) and so leads, with epoch 0 and an incarnation
/// of its own process (<see cref="DispatchFenceToken.Alone"/>). Either way only once the node's schedule has loaded the
/// store: a take-over plans the misfires from the schedule, and the missed occurrences of a job not loaded yet would be
/// recorded by nobody.
/// </summary>
public sealed class ClusterDispatchLeadership(ClusterLeadership leadership, SyncStatus status, IOptions<ClusterOptions> options)
    : IDispatchLeadership
{
    private readonly DispatchFenceToken? _alone = options.Value.IsConfigured ? null : DispatchFenceToken.Alone();

    public DispatchFenceToken? Current =>
        !status.IsLoaded ? null
        : _alone ?? (leadership.View is { IsLeader: true, Epoch: { } epoch, Incarnation: { } incarnation }
            ? new DispatchFenceToken(incarnation, epoch)
            : null);

    // Loading the schedule changes what Current says too, once, at start-up.
    public Task Changed => status.IsLoaded ? leadership.Changed : Task.WhenAny(leadership.Changed, status.Loaded);
}
