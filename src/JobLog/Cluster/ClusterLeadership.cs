using System.Text;
using JobLog.Node;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Recipes;
using JobLog.ZooKeeper.Watches;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobLog.Cluster;

/// <summary>
/// This node as a candidate in the leader election under leader/ (the <see cref="LeaderElection"/> recipe, one per
/// session). The leader's epoch is the sequence number of its election node: a later leader always has a larger one,
/// so later work can fence a deposed leader.
/// </summary>
public sealed class ClusterLeadership(ClusterPaths paths, IOptions<NodeOptions> node, ILogger<LeaderElection> logger)
{
    private readonly string _nodeId = node.Value.NodeId;
    private volatile LeaderElection? _election;
    private TaskCompletionSource _changed = NewSignal();

    /// <summary>True while this node's election node is the lowest and its session is not in doubt, as last checked.</summary>
    public bool IsLeader => _election?.IsLeader ?? false;

    /// <summary>The sequence number of this node's election node; 0 while it has none.</summary>
    public long Epoch => _election?.Epoch ?? 0;

    /// <summary>Role, epoch and the election's incarnation as one snapshot (the properties above may each see another step).</summary>
    public ElectionView View => _election?.View ?? ElectionView.Out;

    /// <summary>
    /// Completes at the next step that may have changed <see cref="View"/> (take it before reading the view, so a change
    /// between the two still wakes the waiter); the dispatcher takes over as soon as this node is elected.
    /// </summary>
    public Task Changed => Volatile.Read(ref _changed).Task;

    /// <summary>Stands in the election on <paramref name="session"/>, a new session (a candidate belongs to one).</summary>
    public async Task JoinAsync(IZooKeeperClient session, CancellationToken cancellationToken)
    {
        var election = new LeaderElection(session, paths.Leader, _nodeId, logger);
        _election = election;
        try
        {
            await election.JoinAsync(cancellationToken);
        }
        finally
        {
            Signal();
        }
    }

    /// <summary>Looks again at this node's place (after a reconnect); true when leadership changed.</summary>
    public async Task<bool> CheckAsync(CancellationToken cancellationToken) =>
        _election is { } election && Signalled((await election.CheckAsync(cancellationToken)).Changed);

    /// <summary>Hands a watch event to the election; true when leadership changed.</summary>
    public async Task<bool> HandleAsync(WatchEvent watchEvent, CancellationToken cancellationToken) =>
        _election is { } election && Signalled((await election.HandleAsync(watchEvent, cancellationToken)).Changed);

    /// <summary>The connection is lost: this node cannot know whether it still leads, so it does not until checked.</summary>
    public void Suspend()
    {
        _election?.SessionStateChanged(SessionState.Disconnected);
        Signal();
    }

    /// <summary>The session ended and its election node with it.</summary>
    public void Forget()
    {
        _election?.SessionStateChanged(SessionState.Expired);
        _election = null;
        Signal();
    }

    /// <summary>Who leads now, as ZooKeeper shows it: the lowest election node's node id and sequence number.</summary>
    public async Task<LeaderInfo?> CurrentLeaderAsync(CancellationToken cancellationToken) =>
        _election is { } election && await election.ReadLeaderAsync(cancellationToken) is { } leader
            ? new LeaderInfo(leader.CandidateId, leader.Epoch)
            : null;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private bool Signalled(bool changed)
    {
        if (changed)
            Signal();
        return changed;
    }

    private void Signal() => Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();
}
