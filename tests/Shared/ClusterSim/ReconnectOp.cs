namespace JobLog.Testing.ClusterSim;

/// <summary>A disconnected node gets its connection back: the same session, or the news that it expired meanwhile.</summary>
public sealed record ReconnectOp(int Target) : ClusterOp
{
    public override int Node => Target;

    public override string ToString() => $"{NodeName(Target)} reconnects";
}
