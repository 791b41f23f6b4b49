namespace JobLog.Testing.ClusterSim;

/// <summary>
/// A client sends a change of a job to a node with an expected version. A held write's append takes its sequence number
/// and waits to commit until a <see cref="CommitHeldOp"/> (the write is in flight meanwhile: the store's feed waits at its
/// number, later appends commit before it).
/// </summary>
public sealed record WriteOp(int Target, JobChange Change, int Job, VersionChoice Expect, bool Held) : ClusterOp
{
    public override int Node => Target;

    public override IEnumerable<ClusterOp> Simpler()
    {
        if (Held)
            yield return this with { Held = false };
        if (Expect != VersionChoice.Latest)
            yield return this with { Expect = VersionChoice.Latest };
        if (Job > 0)
            yield return this with { Job = 0 };
    }

    public override string ToString()
    {
        var version = Change == JobChange.Add ? "" : Expect switch
        {
            VersionChoice.Latest => " at the latest version",
            VersionChoice.NodeView => $" at the version {NodeName(Target)} shows",
            _ => " at a stale version",
        };
        return $"{NodeName(Target)}: {Change.ToString().ToLowerInvariant()} job {ClusterJobs.Name(Job)}{version}{(Held ? " (append held in flight)" : "")}";
    }
}
