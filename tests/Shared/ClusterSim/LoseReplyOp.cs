namespace JobLog.Testing.ClusterSim;

/// <summary>A node's next ZooKeeper call takes effect but its reply is lost with the connection (ConnectionLoss, outcome unknown).</summary>
public sealed record LoseReplyOp(int Target) : ClusterOp
{
    public override int Node => Target;

    public override string ToString() => $"{NodeName(Target)}'s next ZooKeeper reply is lost with its connection";
}
