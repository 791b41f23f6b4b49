namespace JobLog.Testing.ClusterSim;

/// <summary>The next <see cref="Count"/> notifications queued for a node reach it, in the server's order.</summary>
public sealed record DeliverOp(int Target, int Count) : ClusterOp
{
    public override int Node => Target;

    public override IEnumerable<ClusterOp> Simpler()
    {
        if (Count > 1)
            yield return this with { Count = 1 };
    }

    public override string ToString() =>
        Count == 1 ? $"{NodeName(Target)} gets its next notification" : $"{NodeName(Target)} gets its next {Count} notifications";
}
