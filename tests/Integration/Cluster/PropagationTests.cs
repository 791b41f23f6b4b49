using System.Net;
using JobLog.Integration.Api;
using JobLog.Integration.Observability;
using Xunit;

namespace JobLog.Integration.Cluster;

/// <summary>Three node processes on one store and one ZooKeeper: what one is told, the others hold, through ZooKeeper.</summary>
[Collection(ClusterServers.Collection)]
public sealed class PropagationTests(ClusterServers servers) : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = TestCluster.Create(servers.Postgres.ConnectionString, servers.ZooKeeper.ConnectionString);
        await _cluster.StartAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_write_on_one_node_is_in_the_other_nodes_schedules_long_before_their_store_safety_net_runs()
    {
        var (a, b, c) = (_cluster.Nodes[0], _cluster.Nodes[1], _cluster.Nodes[2]);
        var ledger = new WriteLedger();
        var id = Http.NewId();

        await a.Http.CreateJob(id);
        ledger.Acknowledge(id, 1, "JobAdded");
        await Http.Expect(await a.Http.Send(HttpMethod.Post, $"/jobs/{id}/pause", null, "\"1\""), HttpStatusCode.OK);
        ledger.Acknowledge(id, 2, "JobPaused");

        // The store's safety net runs every 60 s while ZooKeeper is connected: within this deadline only the mirror can have brought it.
        foreach (var node in new[] { b, c })
        {
            await Eventually(async () => (await TestCluster.ScheduleVersionsAsync(node)).GetValueOrDefault(id) == 2,
                TestCluster.ConvergeWithin, $"{node.Id}'s schedule holds {id} at version 2");
            var scrape = await PrometheusScrape.ReadAsync(node.Http);
            // A notification that finds the znode ahead of the schedule is repaired from the store: either source counts.
            Assert.True(scrape.Sum("joblog_schedule_propagation_lag_seconds_count") >= 2,
                $"{node.Id} measured the lag of fewer than the two changes it applied: {scrape.Text}");
        }
        await _cluster.AssertConvergedAsync(ledger, TestCluster.ConvergeWithin);
    }

    [Fact]
    public async Task Of_concurrent_writes_to_one_job_through_different_nodes_exactly_one_wins_the_others_get_412_and_all_nodes_agree()
    {
        var ledger = new WriteLedger();
        var id = Http.NewId();
        await _cluster.Nodes[0].Http.CreateJob(id);
        ledger.Acknowledge(id, 1, "JobAdded");
        await _cluster.AssertConvergedAsync(ledger, TestCluster.ConvergeWithin);

        for (var version = 1; version <= 6; version++)
        {
            var (path, type) = version % 2 == 1 ? ($"/jobs/{id}/pause", "JobPaused") : ($"/jobs/{id}/resume", "JobResumed");
            var answers = await Task.WhenAll(_cluster.Nodes.Select(n => n.Http.Send(HttpMethod.Post, path, null, $"\"{version}\"")));

            var statuses = answers.Select(r => r.StatusCode).ToList();
            Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.OK));
            Assert.Equal(_cluster.Nodes.Count - 1, statuses.Count(s => s == HttpStatusCode.PreconditionFailed));
            foreach (var refused in answers.Where(r => r.StatusCode == HttpStatusCode.PreconditionFailed))
                Assert.Equal(version + 1, (long?)(await Http.Json(refused))["currentVersion"]);
            ledger.Acknowledge(id, version + 1, type);
            await _cluster.AssertConvergedAsync(ledger, TestCluster.ConvergeWithin);
        }
    }
}
