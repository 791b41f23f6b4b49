namespace JobLog.Testing.ClusterSim;

/// <summary>
/// One step of a generated cluster run. Every operation is valid whatever came before it: one that does not apply to the
/// cluster as it stands (a write through a crashed node, a reconnect of a connected one) does nothing, so shrinking may
/// drop any operation and what remains is still a run. Each reads as a sentence in a counterexample.
/// </summary>
public abstract record ClusterOp
{
    /// <summary>The node the operation concerns (0-based), or -1 when it concerns none in particular.</summary>
    public virtual int Node => -1;

    /// <summary>Simpler variants of this operation, for shrinking (e.g. a held append that is not held).</summary>
    public virtual IEnumerable<ClusterOp> Simpler() => [];

    public abstract override string ToString();

    /// <summary>How nodes are named in counterexamples and in ZooKeeper: n1, n2, ...</summary>
    public static string NodeName(int node) => $"n{node + 1}";
}
