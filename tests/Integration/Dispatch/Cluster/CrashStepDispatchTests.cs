using JobLog.Dispatch.Leader;
using JobLog.Integration.Api;
using JobLog.Integration.Cluster;
using JobLog.Testing;
using Xunit;

namespace JobLog.Integration.Dispatch.Cluster;

/// <summary>The leader killed at each step of an occurrence: computed, claimed, attempt begun, answered, recorded.</summary>
[Collection(ClusterServers.Collection)]
public sealed class CrashStepDispatchTests(ClusterServers servers)
{
    private static readonly TimeSpan Patience = DispatchingCluster.Patience;
    private static readonly TimeSpan EveryTwoSeconds = TimeSpan.FromSeconds(2);

    private static async Task RestartExitedAsync(TestCluster cluster)
    {
        foreach (var node in cluster.Nodes.Where(n => n.IsRunning && n.HasExited))
        {
            await node.KillAsync();
            await node.StartAsync();
        }
    }

    [Fact]
    public async Task A_leader_killed_at_any_step_of_an_occurrence_leaves_it_neither_doubled_nor_without_an_outcome()
    {
        var markers = Directory.CreateTempSubdirectory("joblog-crash-");
        try
        {
            // One job per step; a node that reaches the step for that job kills itself there, once for the whole cluster.
            var jobs = CrashPoints.Steps.ToDictionary(step => step, step => $"{Http.NewId()[..16]}-{step}");
            await using var dispatching = await DispatchingCluster.StartAsync(servers, settings: new Dictionary<string, string>
            {
                ["JobLog__Dispatch__CrashAt"] = string.Join(';', jobs.Select(j => $"{j.Key}:{j.Value}")),
                ["JobLog__Dispatch__CrashMarkers"] = markers.FullName,
            });
            var cluster = dispatching.Cluster;
            // Through the node that leads last: the leader (the first node) may kill itself at the first job's occurrence
            // while the others are still being made, and the second node leads next.
            foreach (var (_, id) in jobs)
                await dispatching.CreateJobAsync(cluster.Nodes[2], "*/2 * * * * *", id);

            // Every step kills a leader once; the test brings each dead node back so three can lead in turn.
            await Wait.Eventually(async () =>
            {
                await RestartExitedAsync(cluster);
                return jobs.All(j => File.Exists(Path.Combine(markers.FullName, $"joblog-crash-{j.Key}-{j.Value}")));
            }, TimeSpan.FromMinutes(4), () => $"every step killed a leader; markers: {string.Join(", ", markers.EnumerateFiles().Select(f => f.Name))}");
            // The last one may still be dying when its marker shows: bring it back too, until all agree on a leader.
            ClusterNode? leader = null;
            await Wait.Eventually(async () =>
            {
                await RestartExitedAsync(cluster);
                var statuses = await cluster.TryStatusesAsync(_ => { });
                leader = cluster.Nodes.FirstOrDefault(n => n.Id == statuses?[0].Leader);
                return statuses is not null && leader is not null && statuses.All(s => s.Leader == leader.Id);
            }, Patience, "every node back and agreeing on a leader");
            await Wait.Eventually(
                () => jobs.Values.All(id => dispatching.DeliveriesOf(id).Any(d => d.ReceivedAt > DateTimeOffset.UtcNow - TimeSpan.FromSeconds(4))),
                Patience, () => $"{leader!.Id} dispatches every job after the last crash");

            var pausedAt = new Dictionary<string, DateTimeOffset>();
            foreach (var id in jobs.Values)
                pausedAt[id] = await DispatchingCluster.PauseAsync(leader!, id);
            var runs = await DispatchingCluster.SettledRunsAsync(leader!, [.. jobs.Values]);
            foreach (var id in jobs.Values)
                dispatching.AssertAccounted(id, runs[id], pausedAt[id] - EveryTwoSeconds, EveryTwoSeconds);
        }
        finally
        {
            markers.Delete(recursive: true);
        }
    }
}
