namespace JobLog.Testing.ClusterSim;

/// <summary>A node starts again under the same id (crashing first if it runs): a new process that loads the store and attaches a new session.</summary>
public sealed record RestartOp(int Target) : ClusterOp
{
    public override int Node => Target;

    public override string ToString() => $"{NodeName(Target)} restarts";
}
