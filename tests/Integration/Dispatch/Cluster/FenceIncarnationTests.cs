using System.Globalization;
using JobLog.Cluster;
using JobLog.Integration.Api;
using JobLog.Integration.Cluster;
using JobLog.Integration.Fixtures;
using JobLog.Integration.ZooKeeper;
using JobLog.Testing;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Recipes;
using Xunit;

namespace JobLog.Integration.Dispatch.Cluster;

/// <summary>
/// The dispatch fence outlives the ZooKeeper that numbered its epochs: a cluster leads at epoch 57, then its ZooKeeper is
/// rebuilt from nothing (the next election starts at 0), or a node without ZooKeeper (epoch 0) takes the store over.
/// Both must dispatch again, and no occurrence may be delivered twice on the way.
/// </summary>
[Collection(ClusterServers.Collection)]
public sealed class FenceIncarnationTests(ClusterServers servers)
{
    private const long EarlierElections = 57;

    private static readonly TimeSpan Patience = DispatchingCluster.Patience;
    private static readonly TimeSpan EverySecond = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_cluster_whose_ZooKeeper_is_wiped_elects_again_from_epoch_0_and_dispatches_again_delivering_no_occurrence_twice()
    {
        // A ZooKeeper of this test's own: wiping the collection's would take the other tests' sessions with it.
        await using var zooKeeper = await ZooKeeperServer.StartAsync(null, ZooKeeperTest.Timeout());
        await using var dispatching = await DispatchingCluster.StartAsync(
            servers, zooKeeper: zooKeeper.ConnectionString, beforeStart: cluster => CountElectionsAsync(zooKeeper, cluster));
        var cluster = dispatching.Cluster;
        var ids = new List<string>
        {
            await dispatching.CreateJobAsync(cluster.Nodes[1], "* * * * * *"),
            await dispatching.CreateJobAsync(cluster.Nodes[2], "* * * * * *"),
        };
        await Wait.Eventually(() => ids.All(id => dispatching.DeliveriesOf(id).Count >= 3), Patience, "every job delivered 3 times");
        var before = await LeaderDispatcherAsync(cluster);
        Assert.Equal(EarlierElections, before.Epoch);

        await zooKeeper.WipeAndRestartAsync(ZooKeeperTest.Timeout());
        var wipedAt = DateTimeOffset.UtcNow;

        // The rebuilt server knows none of the nodes' sessions: each starts a new one and the election begins again at 0,
        // under a parent znode made again (another incarnation), while the store's fence still holds epoch 57.
        DispatcherStatus? after = null;
        await Wait.Eventually(async () =>
        {
            after = await TryLeaderDispatcherAsync(cluster);
            return after is { Dispatching: true } && after.Incarnation != before.Incarnation;
        }, Patience, () => $"a leader dispatches in a new incarnation after the wipe; last seen: {after}{Environment.NewLine}{Tails(cluster)}");
        Assert.True(after!.Epoch < EarlierElections, $"the new election counts from 0 again: {after}");
        await Wait.Eventually(
            () => ids.All(id => dispatching.DeliveriesOf(id).Count(d => d.ReceivedAt > wipedAt) >= 3),
            Patience, () => $"every job delivered again after the wipe{Environment.NewLine}{Tails(cluster)}");

        var live = await cluster.LeaderAsync(Patience);
        var pausedAt = new Dictionary<string, DateTimeOffset>();
        foreach (var id in ids)
            pausedAt[id] = await DispatchingCluster.PauseAsync(live, id);
        var runs = await DispatchingCluster.SettledRunsAsync(live, ids);
        foreach (var id in ids)
            dispatching.AssertAccounted(id, runs[id], pausedAt[id] - EverySecond, EverySecond);
    }

    [Fact]
    public async Task A_node_without_ZooKeeper_on_a_store_a_cluster_dispatched_from_at_epoch_57_dispatches()
    {
        await using var dispatching = await DispatchingCluster.StartAsync(
            servers, size: 2, beforeStart: cluster => CountElectionsAsync(servers.ZooKeeper, cluster));
        var cluster = dispatching.Cluster;
        var id = await dispatching.CreateJobAsync(cluster.Nodes[1], "* * * * * *");
        await Wait.Eventually(() => dispatching.DeliveriesOf(id).Count >= 3, Patience, "the job delivered 3 times");
        Assert.Equal(EarlierElections, (await LeaderDispatcherAsync(cluster)).Epoch);
        foreach (var node in cluster.Nodes)
            await node.KillAsync();
        var clusterGoneAt = DateTimeOffset.UtcNow;

        await using var alone = AloneNode(cluster);
        await alone.StartAsync();

        await Wait.Eventually(
            () => dispatching.DeliveriesOf(id).Count(d => d.ReceivedAt > clusterGoneAt) >= 3,
            Patience, () => $"the node without ZooKeeper delivers{Environment.NewLine}{alone.OutputTail(30)}");
        var status = await alone.StatusAsync();
        Assert.True(status.Dispatcher is { Dispatching: true, Epoch: 0 } dispatcher && dispatcher.Incarnation!.StartsWith("alone-", StringComparison.Ordinal),
            $"the node leads alone: {status}");
        var pausedAt = await DispatchingCluster.PauseAsync(alone, id);
        var runs = await DispatchingCluster.SettledRunsAsync(alone, [id]);
        dispatching.AssertAccounted(id, runs[id], pausedAt - EverySecond, EverySecond);
    }

    /// <summary>
    /// Makes the cluster's first election node number 57, as if 57 leaders had come before: candidates of other names
    /// count in the parent's sequence, and the election ignores them.
    /// </summary>
    private static async Task CountElectionsAsync(ZooKeeperServer zooKeeper, TestCluster cluster)
    {
        var paths = new ClusterPaths(cluster.Root);
        await using var client = await ZooKeeperTest.ConnectAsync(zooKeeper.ConnectionString);
        await ZNodePaths.EnsureAsync(client, paths.Leader, ZooKeeperTest.Timeout());
        for (var i = 0; i < EarlierElections; i++)
        {
            var made = await client.Create2Async(ZNodePaths.Child(paths.Leader, "earlier_"), Array.Empty<byte>(), CreateMode.PersistentSequential, null, null, ZooKeeperTest.Timeout());
            await client.DeleteAsync(made.Path, -1, ZooKeeperTest.Timeout());
        }
    }

    /// <summary>A node of the cluster's store and schema with no ZooKeeper configured: it runs alone.</summary>
    private ClusterNode AloneNode(TestCluster cluster)
    {
        var environment = new Dictionary<string, string>
        {
            ["JOBLOG_POSTGRES"] = servers.Postgres.ConnectionString,
            ["JOBLOG_ZOOKEEPER"] = "",
            ["JOBLOG_NODE_ID"] = "node-alone",
            ["JobLog__Schema"] = cluster.Schema,
            ["JobLog__Dispatch__Targets__Allow__0"] = "127.0.0.0/8",
            ["JobLog__Dispatch__MaxInDoubtWaitSeconds"] = "5",
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Microsoft"] = "Warning",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
        };
        return new ClusterNode("node-alone", ApiProcess.FreePort(), Path.Combine(Path.GetTempPath(), $"joblog-session-{Guid.NewGuid():N}"), environment);
    }

    private static async Task<DispatcherStatus> LeaderDispatcherAsync(TestCluster cluster)
    {
        DispatcherStatus? found = null;
        await Wait.Eventually(async () => (found = await TryLeaderDispatcherAsync(cluster)) is { Dispatching: true }, Patience,
            () => $"the leader shows its dispatcher{Environment.NewLine}{Tails(cluster)}");
        return found!;
    }

    /// <summary>The dispatcher of the node every running node shows as leader, or null when they do not agree (yet).</summary>
    private static async Task<DispatcherStatus?> TryLeaderDispatcherAsync(TestCluster cluster)
    {
        var statuses = await cluster.TryStatusesAsync(_ => { });
        if (statuses is not { Count: > 0 } || statuses.Any(s => s.Leader != statuses[0].Leader))
            return null;
        return statuses.FirstOrDefault(s => s.NodeId == statuses[0].Leader)?.Dispatcher;
    }

    private static string Tails(TestCluster cluster) =>
        string.Join(Environment.NewLine, cluster.Nodes.Select(n => string.Create(CultureInfo.InvariantCulture, $"--- {n.Id}:{Environment.NewLine}{n.OutputTail(15)}")));
}
