using JobLog.Testing.ClusterSim;
using JobLog.Testing.ZooKeeperModel;
using JobLog.ZooKeeper;

namespace JobLog.Properties.ClusterSim;

/// <summary>
/// One process of a simulated node: its real components (<see cref="Parts"/>), its current ZooKeeper session and the
/// watch events the simulation reads from it, and the connection state it last acted on, as the production session pump
/// (ZooKeeperSession) keeps it. A restart makes a new one under the same id.
/// </summary>
internal sealed class SimulatedNode(int index, int incarnation, WiredNode parts, Action<SimulatedNode> crash)
{
    private int? _callsToLive;

    public int Index { get; } = index;

    public int Incarnation { get; } = incarnation;

    public string Id => Parts.Id;

    public WiredNode Parts { get; } = parts;

    /// <summary>The current session as the node's components see it, and <see cref="Model"/> behind it; both null without one.</summary>
    public DyingSession? Session { get; set; }

    public InMemoryZooKeeperClient? Model { get; set; }

    public IAsyncEnumerator<WatchEvent>? Events { get; set; }

    /// <summary>Ends the subscription of the current session's watch events.</summary>
    public CancellationTokenSource? SessionEnd { get; set; }

    /// <summary>The session state the node last acted on (Connected after attaching, Disconnected after hearing of a drop).</summary>
    public SessionState Seen { get; set; }

    /// <summary>The node has no session and starts one at its next tick (its last attempt failed).</summary>
    public bool NeedsSession { get; set; }

    public bool Crashed { get; set; }

    /// <summary>What becomes of this node's held appends when it dies of <see cref="DieAtCall"/>.</summary>
    public HeldFate FateAtDeath { get; private set; }

    public override string ToString() => $"{Id}#{Incarnation}";

    /// <summary>The process dies just before its <paramref name="call"/>-th ZooKeeper call from now.</summary>
    public void DieAtCall(int call, HeldFate fate)
    {
        _callsToLive = call;
        FateAtDeath = fate;
    }

    /// <summary>Called before every ZooKeeper call of this process: true when it is dead, or dies now.</summary>
    public bool DiesBeforeCall()
    {
        if (Crashed)
            return true;
        if (_callsToLive is not { } left)
            return false;
        _callsToLive = left - 1;
        if (left > 1)
            return false;
        crash(this);
        return true;
    }
}
