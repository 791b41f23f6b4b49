namespace JobLog.Testing.ClusterSim;

/// <summary>
/// Time passes for a node: its periodic step runs (the leader relays the store's feed into znodes, every member publishes
/// its applied position), a node without a session tries to start one, and a disconnected node tails the store.
/// </summary>
public sealed record TickOp(int Target) : ClusterOp
{
    public override int Node => Target;

    public override string ToString() => $"{NodeName(Target)} ticks";
}
