using JobLog.Testing.ClusterSim;
using JobLog.Testing.ZooKeeperModel;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using JobLog.ZooKeeper.Watches;

namespace JobLog.Properties.ClusterSim;

/// <summary>
/// One process of a simulated node: its real components (<see cref="Parts"/>), its current ZooKeeper session and the
/// watch events the simulation reads from it, and the connection state it last acted on, as the production session pump
/// (ZooKeeperSession) keeps it. A restart makes a new one under the same id.
/// </summary>
internal sealed class SimulatedNode
{
    public SimulatedNode(int index, int incarnation, WiredNode parts, Action<SimulatedNode, HeldFate> onDeath)
    {
        Index = index;
        Incarnation = incarnation;
        Parts = parts;
        Life = new ProcessLife(fate => onDeath(this, fate));
    }

    public int Index { get; }

    public int Incarnation { get; }

    public string Id => Parts.Id;

    public WiredNode Parts { get; }

    public ProcessLife Life { get; }

    public bool Crashed => Life.Dead;

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

    public override string ToString() => $"{Id}#{Incarnation}";
}
