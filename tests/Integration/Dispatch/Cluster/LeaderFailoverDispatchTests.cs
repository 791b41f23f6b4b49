using System.Diagnostics;
using JobLog.Integration.Cluster;
using JobLog.Testing;
using Xunit;

namespace JobLog.Integration.Dispatch.Cluster;

/// <summary>Three nodes on real PostgreSQL and ZooKeeper dispatching to a loopback receiver while leaders die.</summary>
[Collection(ClusterServers.Collection)]
public sealed class LeaderFailoverDispatchTests(ClusterServers servers)
{
    private static readonly TimeSpan Patience = DispatchingCluster.Patience;
    private static readonly TimeSpan EverySecond = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Jobs_firing_every_second_through_leader_kills_are_delivered_once_per_occurrence_and_every_occurrence_has_one_run()
    {
        await using var dispatching = await DispatchingCluster.StartAsync(servers);
        var cluster = dispatching.Cluster;
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
            ids.Add(await dispatching.CreateJobAsync(cluster.Nodes[i], "* * * * * *"));
        await Wait.Eventually(() => ids.All(id => dispatching.DeliveriesOf(id).Count >= 3), Patience, "every job delivered 3 times");

        for (var kill = 0; kill < 2; kill++)
        {
            var leader = await cluster.LeaderAsync(Patience);
            await leader.KillAsync();
            var killedAt = DateTimeOffset.UtcNow;
            var next = await cluster.LeaderAsync(Patience);
            Assert.NotEqual(leader, next);
            // The new leader dispatches: occurrences scheduled after the kill arrive for every job.
            await Wait.Eventually(
                () => ids.All(id => dispatching.DeliveriesOf(id).Count(d => d.ReceivedAt > killedAt + TestCluster.SessionTimeout) >= 2),
                Patience, () => $"every job delivered again after {leader.Id} was killed");
            await leader.StartAsync();
        }

        var live = await cluster.LeaderAsync(Patience);
        var pausedAt = new Dictionary<string, DateTimeOffset>();
        foreach (var id in ids)
            pausedAt[id] = await DispatchingCluster.PauseAsync(live, id);
        var runs = await DispatchingCluster.SettledRunsAsync(live, ids);

        foreach (var id in ids)
        {
            // Occurrences up to the pause are owed; the last second before it may still have been decided either way.
            dispatching.AssertAccounted(id, runs[id], pausedAt[id] - EverySecond, EverySecond);
        }
        var kinds = runs.Values.SelectMany(r => r).Select(r => r.GetProperty("kind").GetString()).ToHashSet();
        var outcomes = runs.Values.SelectMany(r => r).Select(r => r.GetProperty("outcome").GetString()).ToHashSet();
        // Each kill leaves a gap of about a session timeout: fireOnce runs its latest occurrence and records the rest.
        Assert.Contains("catchUp", kinds);
        Assert.Contains("misfired", outcomes);
    }

    [Fact]
    public async Task A_zombie_leader_thawed_after_a_new_leader_took_over_dispatches_nothing_and_steps_down()
    {
        await using var dispatching = await DispatchingCluster.StartAsync(servers);
        var cluster = dispatching.Cluster;
        var ids = new List<string>
        {
            await dispatching.CreateJobAsync(cluster.Nodes[1], "* * * * * *"),
            await dispatching.CreateJobAsync(cluster.Nodes[2], "* * * * * *"),
        };
        await Wait.Eventually(() => ids.All(id => dispatching.DeliveriesOf(id).Count >= 3), Patience, "every job delivered 3 times");

        var zombie = await cluster.LeaderAsync(Patience);
        var zombieEpoch = (await zombie.StatusAsync()).Epoch;
        await zombie.FreezeAsync();
        var frozenAt = DateTimeOffset.UtcNow;
        var others = cluster.Nodes.Where(n => n != zombie).ToList();
        ClusterNode? successor = null;
        await Wait.Eventually(async () =>
        {
            var statuses = await Task.WhenAll(others.Select(n => n.StatusAsync()));
            successor = others.FirstOrDefault(n => n.Id == statuses[0].Leader);
            return successor is not null && statuses.All(s => s.Leader == successor.Id && s.Epoch > zombieEpoch);
        }, Patience, () => $"the other nodes elect a new leader after {zombie.Id} froze");
        await Wait.Eventually(
            () => ids.All(id => dispatching.DeliveriesOf(id).Count(d => d.ReceivedAt > DateTimeOffset.UtcNow - TimeSpan.FromSeconds(2)) >= 1),
            Patience, () => $"{successor!.Id} dispatches");

        await zombie.ThawAsync();
        var thawedAt = Stopwatch.StartNew();
        // It steps down: once it answers again it shows the new leader and no dispatcher of its own.
        await Wait.Eventually(async () =>
        {
            try
            {
                var status = await zombie.StatusAsync();
                return status.Leader == successor!.Id && status.Dispatcher is null;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, Patience, () => $"{zombie.Id} shows {successor!.Id} leading and has no dispatcher");
        // Give it time to try: its loop wakes every second with something due.
        await Wait.Eventually(() => thawedAt.Elapsed > TimeSpan.FromSeconds(3), Patience, "3 s after the thaw");

        var pausedAt = new Dictionary<string, DateTimeOffset>();
        foreach (var id in ids)
            pausedAt[id] = await DispatchingCluster.PauseAsync(successor!, id);
        var runs = await DispatchingCluster.SettledRunsAsync(successor!, ids);
        foreach (var id in ids)
        {
            dispatching.AssertAccounted(id, runs[id], pausedAt[id] - EverySecond, EverySecond);
            // Nothing of the zombie's epoch began after it froze: its stale epoch was refused.
            var late = runs[id].Where(r => r.GetProperty("claimedBy").ValueKind == System.Text.Json.JsonValueKind.Object
                                           && r.GetProperty("claimedBy").TryGetProperty("epoch", out var epoch)
                                           && epoch.GetInt64() == zombieEpoch
                                           && r.GetProperty("startedAt").ValueKind == System.Text.Json.JsonValueKind.String
                                           && r.GetProperty("startedAt").GetDateTimeOffset() > frozenAt + TimeSpan.FromSeconds(1)).ToList();
            Assert.True(late.Count == 0, $"{id}: runs of the zombie's epoch {zombieEpoch} begun after it froze: {string.Join(", ", late)}");
        }
    }
}
