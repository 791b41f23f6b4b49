namespace JobLog.Testing.ClusterSim;

/// <summary>A generated run: how many nodes the cluster has and the operations applied to it, in order.</summary>
public sealed record ClusterRun(int Nodes, IReadOnlyList<ClusterOp> Ops)
{
    public override string ToString() =>
        $"{Nodes} nodes, {Ops.Count} operations:" + string.Concat(Ops.Select((op, i) => $"{Environment.NewLine}  {i + 1,3}. {op}"));
}
