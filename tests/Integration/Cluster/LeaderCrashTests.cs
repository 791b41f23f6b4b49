using System.Diagnostics;
using JobLog.Integration.Api;
using Xunit;

namespace JobLog.Integration.Cluster;

/// <summary>kill -9 of the leader, holding a change it committed but had not mirrored yet.</summary>
[Collection(ClusterServers.Collection)]
public sealed class LeaderCrashTests(ClusterServers servers)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Killing_the_leader_elects_another_that_every_live_node_shows_and_it_relays_what_the_dead_leader_never_mirrored()
    {
        // node-a starts first, so it leads; it holds every write between its append and its mirror step.
        await using var cluster = TestCluster.Create(servers.Postgres.ConnectionString, servers.ZooKeeper.ConnectionString,
            settings: i => i == 0 ? new Dictionary<string, string> { ["JobLog__Testing__PauseBeforeMirror"] = "00:10:00" } : []);
        await cluster.StartInOrderAsync();
        var (a, b, c) = (cluster.Nodes[0], cluster.Nodes[1], cluster.Nodes[2]);
        Assert.Equal(a, await cluster.LeaderAsync(Patience));
        var epoch = (await a.StatusAsync()).Epoch;
        var ledger = new WriteLedger();
        var id = Http.NewId();
        await b.Http.CreateJob(id);
        ledger.Acknowledge(id, 1, "JobAdded");

        await using (var load = WriteLoad.Start([b, c], ledger))
        {
            await Eventually(() => ledger.AcknowledgedCount >= 20, Patience, () => $"20 writes acknowledged; {ledger}");
            var unanswered = a.Http.Send(HttpMethod.Post, $"/jobs/{id}/pause", null, "\"1\"");
            await Eventually(async () => await cluster.StoreVersionAsync(id) == 2, Patience, $"node-a committed version 2 of {id}");
            await a.KillAsync();
            var sinceKill = Stopwatch.StartNew();
            await Assert.ThrowsAnyAsync<Exception>(() => unanswered);

            var leader = await cluster.LeaderAsync(TestCluster.ConvergeWithin);
            Assert.NotEqual(a, leader);
            // The election and the membership list are separate znodes, each node hears of each on its own watch.
            IReadOnlyList<ClusterStatus>? statuses = null;
            string? failure = null;
            await Eventually(async () =>
                (statuses = await cluster.TryStatusesAsync(e => failure = e)) is { } all
                && all.All(s => s.Leader == leader.Id && s.Epoch > epoch && s.Members.Select(m => m.NodeId).SequenceEqual([b.Id, c.Id])),
                TestCluster.ConvergeWithin - sinceKill.Elapsed,
                () => $"every live node shows {leader.Id} leading with an epoch above {epoch} and members {b.Id}, {c.Id}; last failure: {failure}"
                      + $"{Environment.NewLine}{string.Join(Environment.NewLine, statuses ?? [])}");
            Assert.True(sinceKill.Elapsed < TestCluster.ConvergeWithin, $"a new leader took {sinceKill.Elapsed}");
            var before = ledger.AcknowledgedCount;
            await Eventually(() => ledger.AcknowledgedCount >= before + 20, Patience, () => $"20 more writes acknowledged; {ledger}");
        }

        await cluster.AssertConvergedAsync(ledger, TestCluster.ConvergeWithin);
        foreach (var node in new[] { b, c })
            Assert.Equal(2, (await TestCluster.ScheduleVersionsAsync(node))[id]);
    }
}
