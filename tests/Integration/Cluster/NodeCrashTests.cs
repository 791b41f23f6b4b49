using System.Net;
using JobLog.Integration.Api;
using Xunit;

namespace JobLog.Integration.Cluster;

/// <summary>kill -9 of a node that is not the leader: the others lose nothing any client was told, and it rejoins.</summary>
[Collection(ClusterServers.Collection)]
public sealed class NodeCrashTests(ClusterServers servers)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_node_killed_in_the_middle_of_a_burst_of_writes_loses_no_acknowledged_write_and_converges_again_after_a_restart()
    {
        await using var cluster = TestCluster.Create(servers.Postgres.ConnectionString, servers.ZooKeeper.ConnectionString);
        await cluster.StartAsync();
        var leader = await cluster.LeaderAsync(Patience);
        var victim = cluster.Nodes.First(n => n != leader);
        var ledger = new WriteLedger();

        await using (var load = WriteLoad.Start(cluster.Nodes, ledger))
        {
            await Eventually(() => ledger.AcknowledgedCount >= 30, Patience, () => $"30 writes acknowledged; {ledger}");
            await victim.KillAsync();
            var before = ledger.AcknowledgedCount;
            await Eventually(() => ledger.AcknowledgedCount >= before + 30, Patience, () => $"30 more writes acknowledged; {ledger}");
        }

        await cluster.AssertConvergedAsync(ledger, TestCluster.ConvergeWithin);
        await victim.StartAsync();
        await cluster.AssertConvergedAsync(ledger, TestCluster.ConvergeWithin);
    }

    [Fact]
    public async Task A_change_committed_by_a_node_killed_before_it_mirrored_it_reaches_every_other_node_through_the_leaders_relay()
    {
        // node-c holds every write between its append and its mirror step; node-a starts first, so it leads.
        await using var cluster = TestCluster.Create(servers.Postgres.ConnectionString, servers.ZooKeeper.ConnectionString,
            settings: i => i == 2 ? new Dictionary<string, string> { ["JobLog__Testing__PauseBeforeMirror"] = "00:10:00" } : []);
        await cluster.StartInOrderAsync();
        var (a, b, c) = (cluster.Nodes[0], cluster.Nodes[1], cluster.Nodes[2]);
        Assert.Equal(a, await cluster.LeaderAsync(Patience));
        var ledger = new WriteLedger();
        var id = Http.NewId();
        await b.Http.CreateJob(id);
        ledger.Acknowledge(id, 1, "JobAdded");
        await cluster.AssertConvergedAsync(ledger, TestCluster.ConvergeWithin);

        var unanswered = c.Http.Send(HttpMethod.Post, $"/jobs/{id}/pause", null, "\"1\"");
        await Eventually(async () => await cluster.StoreVersionAsync(id) == 2, Patience, $"node-c committed version 2 of {id}");
        await c.KillAsync();

        await Assert.ThrowsAnyAsync<Exception>(() => unanswered);
        await cluster.AssertConvergedAsync(ledger, TestCluster.ConvergeWithin);
        foreach (var node in new[] { a, b })
            Assert.Equal(2, (await TestCluster.ScheduleVersionsAsync(node))[id]);
    }
}
