using System.Diagnostics;
using System.Text.Json.Nodes;
using JobLog.Integration.Cluster;
using JobLog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace JobLog.Integration.Dispatch.Cluster;

/// <summary>Three nodes on real PostgreSQL and ZooKeeper dispatching to a loopback receiver while leaders die.</summary>
[Collection(ClusterServers.Collection)]
public sealed class LeaderFailoverDispatchTests(ClusterServers servers, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = DispatchingCluster.Patience;
    private static readonly TimeSpan EverySecond = TimeSpan.FromSeconds(1);

    // About a minute of dispatching with at least this many kills; never more than the most (a slow machine's cycles are long).
    private static readonly TimeSpan AMinute = TimeSpan.FromSeconds(60);
    private const int FewestKills = 3;
    private const int MostKills = 6;

    [Fact]
    public async Task A_minute_of_leader_kills_delivers_no_occurrence_twice_and_handles_every_gap_by_its_misfire_policy()
    {
        await using var dispatching = await DispatchingCluster.StartAsync(servers);
        var cluster = dispatching.Cluster;
        var jobs = new Dictionary<string, string>();
        var node = 0;
        foreach (var misfire in new[] { "fireOnce", "skip", "fireAll" })
        {
            // fireAll starts a gap's catch-up runs at once; allow keeps the first occurrence after it from being skipped.
            var policy = new JsonObject { ["misfire"] = misfire, ["concurrency"] = misfire == "fireAll" ? "allow" : "forbid" };
            jobs[misfire] = await dispatching.CreateJobAsync(cluster.Nodes[node++], "* * * * * *", policy: policy);
        }
        var ids = jobs.Values.ToList();
        await Wait.Eventually(() => ids.All(id => dispatching.DeliveriesOf(id).Count >= 3), Patience, "every job delivered 3 times");

        var dispatchingFor = Stopwatch.StartNew();
        var kills = 0;
        while (kills < FewestKills || (dispatchingFor.Elapsed < AMinute && kills < MostKills))
        {
            var leader = await cluster.LeaderAsync(Patience);
            await leader.KillAsync();
            kills++;
            var killedAt = DateTimeOffset.UtcNow;
            var next = await cluster.LeaderAsync(Patience);
            Assert.NotEqual(leader, next);
            // The new leader dispatches: occurrences scheduled after the kill arrive for every job.
            await Wait.Eventually(
                () => ids.All(id => dispatching.DeliveriesOf(id).Count(d => d.ReceivedAt > killedAt + TestCluster.SessionTimeout) >= 2),
                Patience, () => $"every job delivered again after {leader.Id} was killed");
            output.WriteLine($"kill {kills}: {leader.Id} at {killedAt:O}, {next.Id} leads");
            await leader.StartAsync();
        }
        output.WriteLine($"{kills} kills in {dispatchingFor.Elapsed}");

        var live = await cluster.LeaderAsync(Patience);
        var pausedAt = new Dictionary<string, DateTimeOffset>();
        foreach (var id in ids)
            pausedAt[id] = await DispatchingCluster.PauseAsync(live, id);
        var runs = await DispatchingCluster.SettledRunsAsync(live, ids);

        var gaps = new Dictionary<string, IReadOnlyList<LeaderGap>>();
        foreach (var (misfire, id) in jobs)
        {
            // Occurrences up to the pause are owed; the last second before it may still have been decided either way.
            dispatching.AssertAccounted(id, runs[id], pausedAt[id] - EverySecond, EverySecond);
            gaps[misfire] = LeaderGap.Find(id, runs[id]);
            var described = $"{misfire} job {id}, gaps: {string.Join("; ", gaps[misfire])}";
            output.WriteLine(described);
            // kill -9 leaves the session to expire: seconds of per-second occurrences nobody dispatches.
            Assert.True(gaps[misfire].Count >= kills, $"{kills} kills, fewer gaps: {described}");
            foreach (var gap in gaps[misfire])
            {
                Assert.True(gap.Missed.Count >= 2, $"a gap of fewer than 2 occurrences: {gap}; {described}");
                var catchUps = gap.Missed.Where(r => LeaderGap.Kind(r) == "catchUp").ToList();
                Assert.All(catchUps, r => Assert.Equal("succeeded", LeaderGap.Outcome(r)));
                var misfired = gap.Missed.Where(r => LeaderGap.Outcome(r) == "misfired").ToList();
                switch (misfire)
                {
                    case "fireOnce":
                        // The catch-up window (3600 s) covers every gap: its latest occurrence runs, the others are recorded.
                        Assert.True(catchUps.Count == 1 && LeaderGap.ScheduledAt(catchUps[0]) == gap.Last && misfired.Count == gap.Missed.Count - 1,
                            $"fireOnce: not exactly the latest occurrence caught up, the rest misfired: {gap}: {string.Join(", ", gap.Missed)}");
                        break;
                    case "skip":
                        Assert.True(catchUps.Count == 0 && misfired.Count == gap.Missed.Count,
                            $"skip: not every occurrence misfired: {gap}: {string.Join(", ", gap.Missed)}");
                        break;
                    default:
                        Assert.True(misfired.Count == 0 && catchUps.Count == gap.Missed.Count,
                            $"fireAll: not every occurrence caught up: {gap}: {string.Join(", ", gap.Missed)}");
                        break;
                }
            }
        }
        // A leader's absence is the same for every job: the gaps lie between the same terms and span the same occurrences.
        var spans = gaps.ToDictionary(g => g.Key, g => string.Join("; ", g.Value.Select(gap => $"{gap.Before} -> {gap.After}: {gap.First:O}..{gap.Last:O}")));
        Assert.True(spans.Values.Distinct().Count() == 1,
            "the jobs' gaps differ: " + string.Join(Environment.NewLine, spans.Select(s => $"{s.Key}: {s.Value}")));
    }

    [Fact]
    public async Task An_elected_node_dispatches_at_once_at_start_and_after_the_leader_dies_without_waiting_for_its_leadership_poll()
    {
        // A poll far longer than the waits below: only the election's change (and the schedule's first load) can wake it.
        var settings = new Dictionary<string, string> { ["JobLog__Dispatch__LeadershipPollSeconds"] = "60" };
        await using var dispatching = await DispatchingCluster.StartAsync(servers, settings: settings);
        var cluster = dispatching.Cluster;
        var startedAt = DateTimeOffset.UtcNow;
        var id = await dispatching.CreateJobAsync(cluster.Nodes[0], "* * * * * *");
        var soon = TimeSpan.FromSeconds(25);

        await Wait.Eventually(() => dispatching.DeliveriesOf(id).Count >= 1, soon, "the first leader dispatches");
        var leader = await cluster.LeaderAsync(Patience);
        await leader.KillAsync();
        var killedAt = DateTimeOffset.UtcNow;
        await Wait.Eventually(
            () => dispatching.DeliveriesOf(id).Any(d => d.ReceivedAt > killedAt + TestCluster.SessionTimeout),
            TestCluster.SessionTimeout + soon, () => $"the node elected after {leader.Id} dispatches");

        output.WriteLine($"started {startedAt:O}, killed {leader.Id} {killedAt:O}, next delivery {dispatching.DeliveriesOf(id).First(d => d.ReceivedAt > killedAt).ReceivedAt:O}");
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
