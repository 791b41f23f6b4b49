namespace JobLog.Testing.ClusterSim;

/// <summary>An append in flight commits (or loses to a concurrent one): the <see cref="Pick"/>-th held one, oldest first, counted round.</summary>
public sealed record CommitHeldOp(int Pick) : ClusterOp
{
    public override IEnumerable<ClusterOp> Simpler()
    {
        if (Pick > 0)
            yield return new CommitHeldOp(0);
    }

    public override string ToString() => Pick == 0 ? "the oldest held append commits" : $"held append {Pick + 1} (oldest first, counted round) commits";
}
