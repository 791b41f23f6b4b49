namespace JobLog.Testing.ClusterSim;

/// <summary>A node falls a full buffer behind: its queued notifications are replaced by one EventsDropped notice.</summary>
public sealed record OverflowOp(int Target) : ClusterOp
{
    public override int Node => Target;

    public override string ToString() => $"{NodeName(Target)}'s queued notifications overflow (one EventsDropped instead)";
}
