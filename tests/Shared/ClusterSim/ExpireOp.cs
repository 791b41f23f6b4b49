namespace JobLog.Testing.ClusterSim;

/// <summary>
/// ZooKeeper expires a node's session (its ephemeral nodes go); a connected node hears it at once and starts a new
/// session, a disconnected one when it reconnects. For a crashed node: the sessions it left behind time out.
/// </summary>
public sealed record ExpireOp(int Target) : ClusterOp
{
    public override int Node => Target;

    public override string ToString() => $"{NodeName(Target)}'s session expires";
}
