using System.Diagnostics;
using JobLog.Testing.ClusterSim;
using Xunit.Abstractions;

namespace JobLog.Properties.ClusterSim;

/// <summary>
/// The cluster's central promise, on a simulated cluster of the real components (see <see cref="SimulatedCluster"/>):
/// after any run of writes and faults, once the cluster is at rest through the ZooKeeper path alone, every live node
/// holds the fold of the store, no acknowledged write is lost, no node applied a job's versions out of order, and no
/// two nodes led with one epoch, nor a node with a smaller one than before. <c>JOBLOG_LONG_PROPERTIES=1</c> runs many
/// more and longer runs. The examples below are runs the property shrank to, one per defect it found.
/// </summary>
public sealed class ClusterSimulationProperties(ITestOutputHelper output)
{
    [Fact]
    public void After_any_run_of_writes_and_faults_every_live_node_holds_the_stores_fold_and_no_acknowledged_write_is_lost()
    {
        var (runs, maxOps) = LongRuns.Enabled ? (20_000, 400) : (500, 200);
        var clock = Stopwatch.StartNew();
        Prop.ForAll(JobArbitraries.ClusterRuns(maxOps), Holds)
            .Check(Config.QuickThrowOnFailure.WithMaxTest(runs).WithEndSize(maxOps / 2).WithQuietOnSuccess(true));
        output.WriteLine($"{runs} runs of up to {maxOps} operations in {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Property(MaxTest = 60, Arbitrary = [typeof(ShortRuns)])]
    public bool The_same_run_does_the_same_thing_twice(ClusterRun run) =>
        SimulatedCluster.Run(run).Fingerprint == SimulatedCluster.Run(run).Fingerprint;

    [Fact]
    public void A_member_whose_publish_reply_was_lost_keeps_publishing_its_applied_position() =>
        AssertHolds(new ClusterRun(3, [Add(node: 0), new DeliverOp(2, 1), new LoseReplyOp(2)]));

    [Fact]
    public void A_successor_whose_notifications_overflowed_still_takes_over_from_an_expired_leader() =>
        AssertHolds(new ClusterRun(2, [new ExpireOp(0), new OverflowOp(1)]));

    [Fact]
    public void A_new_session_catches_up_with_changes_committed_behind_an_append_still_in_flight() =>
        AssertHolds(new ClusterRun(3, [Add(node: 1, held: true), Add(node: 2), new ExpireOp(1)]));

    [Fact]
    public void A_reconnected_node_catches_up_with_changes_committed_behind_an_append_still_in_flight() =>
        AssertHolds(new ClusterRun(3, [new DisconnectOp(1), Add(node: 0, held: true), Add(node: 2, job: 1), new ReconnectOp(1), new CommitHeldOp(0)]));

    [Fact]
    public void A_restarted_member_whose_create_reply_was_lost_while_it_waited_for_its_old_entry_publishes_after_the_reconnect() =>
        AssertHolds(new ClusterRun(2, [Add(node: 1), new RestartOp(0), Write(node: 0, JobChange.Update), new DeliverOp(0, 1), new LoseReplyOp(0)]));

    private static WriteOp Write(int node, JobChange change) => new(node, change, 0, VersionChoice.Latest, false);

    private static WriteOp Add(int node, int job = 0, bool held = false) => new(node, JobChange.Add, job, VersionChoice.Latest, held);

    private static void AssertHolds(ClusterRun run)
    {
        var (verdict, trace, _) = SimulatedCluster.Run(run);
        Assert.True(verdict.Holds, $"{run}{Environment.NewLine}{verdict}{Environment.NewLine}{trace}");
    }

    private static Property Holds(ClusterRun run)
    {
        var (verdict, trace, _) = SimulatedCluster.Run(run);
        return verdict.Holds.Label($"{verdict}{Environment.NewLine}What happened last:{Environment.NewLine}{trace}");
    }

    public static class ShortRuns
    {
        public static Arbitrary<ClusterRun> Runs() => JobArbitraries.ClusterRuns(60);
    }
}
