namespace JobLog.Testing.ClusterSim;

/// <summary>A node's connection to ZooKeeper drops; its session lives on (notifications on the wire are lost).</summary>
public sealed record DisconnectOp(int Target) : ClusterOp
{
    public override int Node => Target;

    public override string ToString() => $"{NodeName(Target)} loses its ZooKeeper connection";
}
