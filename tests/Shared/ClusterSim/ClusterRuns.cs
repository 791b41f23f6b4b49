using FsCheck;
using FsCheck.Fluent;

namespace JobLog.Testing.ClusterSim;

/// <summary>
/// The generator of cluster runs, shared by the simulated cluster (tests/Properties) and the real one (tests/Integration).
/// Operations are drawn independently of one another (each is valid in any state, see <see cref="ClusterOp"/>), so a
/// failing run shrinks by dropping operations, then by simplifying each and by using fewer nodes.
/// </summary>
public static class ClusterRuns
{
    public const int MinNodes = 2;
    public const int MaxNodes = 5;

    /// <summary>Runs of 2 to 5 nodes and up to <paramref name="maxOps"/> operations, longer as FsCheck's size grows.</summary>
    public static Gen<ClusterRun> Generator(int maxOps) =>
        from nodes in Gen.Choose(MinNodes, MaxNodes)
        from length in Gen.Sized(size => Gen.Choose(0, Math.Clamp(size * 2, 1, maxOps)))
        from ops in Gen.ArrayOf(Operation(nodes), length)
        select new ClusterRun(nodes, ops);

    public static Arbitrary<ClusterRun> Arbitrary(int maxOps) => Arb.From(Generator(maxOps), Shrink);

    public static Gen<ClusterOp> Operation(int nodes)
    {
        var node = Gen.Choose(0, nodes - 1);
        return Gen.Frequency(
            (40, from target in node
                 from change in Gen.Frequency(
                     (4, Gen.Constant(JobChange.Add)), (4, Gen.Constant(JobChange.Update)), (3, Gen.Constant(JobChange.Pause)),
                     (3, Gen.Constant(JobChange.Resume)), (2, Gen.Constant(JobChange.Delete)), (2, Gen.Constant(JobChange.Restore)))
                 // One job gets most writes, so its stream grows long; the others collide with it in the feed and the relay.
                 from job in Gen.Frequency((5, Gen.Constant(0)), (3, Gen.Constant(1)), (2, Gen.Constant(2)))
                 from expect in Gen.Frequency(
                     (6, Gen.Constant(VersionChoice.Latest)), (3, Gen.Constant(VersionChoice.NodeView)), (1, Gen.Constant(VersionChoice.Stale)))
                 from held in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
                 select (ClusterOp)new WriteOp(target, change, job, expect, held)),
            (6, Gen.Choose(0, 3).Select(pick => (ClusterOp)new CommitHeldOp(pick))),
            (24, from target in node
                 from count in Gen.Frequency((3, Gen.Constant(1)), (1, Gen.Choose(2, 6)))
                 select (ClusterOp)new DeliverOp(target, count)),
            (10, node.Select(target => (ClusterOp)new TickOp(target))),
            (3, from target in node
                from at in Gen.Frequency((1, Gen.Constant(0)), (1, Gen.Choose(1, 4)))
                from fate in Gen.Elements(HeldFate.Commit, HeldFate.RollBack, HeldFate.Linger)
                select (ClusterOp)new CrashOp(target, at, fate)),
            (3, node.Select(target => (ClusterOp)new RestartOp(target))),
            (4, node.Select(target => (ClusterOp)new DisconnectOp(target))),
            (4, node.Select(target => (ClusterOp)new ReconnectOp(target))),
            (3, node.Select(target => (ClusterOp)new ExpireOp(target))),
            (3, node.Select(target => (ClusterOp)new LoseReplyOp(target))),
            (2, node.Select(target => (ClusterOp)new OverflowOp(target))));
    }

    public static IEnumerable<ClusterRun> Shrink(ClusterRun run)
    {
        var highest = run.Ops.Count == 0 ? -1 : run.Ops.Max(op => op.Node);
        for (var nodes = MinNodes; nodes < run.Nodes; nodes++)
        {
            if (highest < nodes)
                yield return run with { Nodes = nodes };
        }
        for (var size = run.Ops.Count; size >= 1; size /= 2)
        {
            for (var start = 0; start + size <= run.Ops.Count; start += size)
                yield return run with { Ops = [.. run.Ops.Take(start), .. run.Ops.Skip(start + size)] };
        }
        for (var i = 0; i < run.Ops.Count; i++)
        {
            foreach (var simpler in run.Ops[i].Simpler())
                yield return run with { Ops = [.. run.Ops.Take(i), simpler, .. run.Ops.Skip(i + 1)] };
        }
    }
}
