using JobLog.Integration.Observability;
using JobLog.Integration.ZooKeeper;
using Xunit;

namespace JobLog.Integration.Cluster;

/// <summary>ZooKeeper goes away (a server restart) or drops one node's session (expiry) while clients keep writing.</summary>
[Collection(ClusterServers.Collection)]
public sealed class ZooKeeperFaultTests(ClusterServers servers)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Writes_go_on_while_the_ZooKeeper_server_restarts_nodes_report_themselves_stale_and_all_converge_after()
    {
        await using var cluster = TestCluster.Create(servers.Postgres.ConnectionString, servers.ZooKeeper.ConnectionString);
        await cluster.StartAsync();
        var ledger = new WriteLedger();

        await using (var load = WriteLoad.Start(cluster.Nodes, ledger))
        {
            await Eventually(() => ledger.AcknowledgedCount >= 20, Patience, () => $"20 writes acknowledged; {ledger}");
            await servers.ZooKeeper.StopAsync(CancellationToken.None);
            try
            {
                string? failure = null;
                await Eventually(async () => (await cluster.TryStatusesAsync(e => failure = e))?.All(s => s is { ZooKeeper: "disconnected", Stale: true }) == true,
                    Patience, () => $"every node reports ZooKeeper disconnected and its view stale; last failure: {failure}");
                var before = ledger.AcknowledgedCount;
                await Eventually(() => ledger.AcknowledgedCount >= before + 20, Patience,
                    () => $"20 writes acknowledged without ZooKeeper; {ledger}");
            }
            finally
            {
                await servers.ZooKeeper.StartAsync(CancellationToken.None);
            }
            var after = ledger.AcknowledgedCount;
            await Eventually(() => ledger.AcknowledgedCount >= after + 20, Patience, () => $"20 writes acknowledged after the restart; {ledger}");
        }

        await cluster.AssertConvergedAsync(ledger, TestCluster.ConvergeWithin);
        foreach (var node in cluster.Nodes)
        {
            var scrape = await PrometheusScrape.ReadAsync(node.Http);
            Assert.True(scrape.Sum("joblog_zookeeper_reconnects_total") >= 1, $"{node.Id} counted no reconnect: {scrape.Text}");
            Assert.Equal(1, scrape.Sum("joblog_zookeeper_session_state", ("joblog_zookeeper_state", "connected")));
        }
    }

    [Fact]
    public async Task The_leader_whose_session_expires_makes_a_new_one_another_node_leads_and_all_converge()
    {
        await using var cluster = TestCluster.Create(servers.Postgres.ConnectionString, servers.ZooKeeper.ConnectionString);
        await cluster.StartAsync();
        var victim = await cluster.LeaderAsync(Patience);
        var (session, password) = await victim.SessionAsync();
        var ledger = new WriteLedger();

        await using (var load = WriteLoad.Start(cluster.Nodes, ledger))
        {
            await Eventually(() => ledger.AcknowledgedCount >= 20, Patience, () => $"20 writes acknowledged; {ledger}");
            await SessionKiller.KillAsync("127.0.0.1", servers.ZooKeeper.Port, session, password, CancellationToken.None);

            await Eventually(async () => (await victim.SessionAsync()).Id != session, TestCluster.ConvergeWithin,
                $"{victim.Id} attached a new session in place of {session:x}");
            var leader = await cluster.LeaderAsync(TestCluster.ConvergeWithin);
            Assert.NotEqual(victim, leader);
            var before = ledger.AcknowledgedCount;
            await Eventually(() => ledger.AcknowledgedCount >= before + 20, Patience, () => $"20 more writes acknowledged; {ledger}");
        }

        await cluster.AssertConvergedAsync(ledger, TestCluster.ConvergeWithin);
        foreach (var status in await cluster.StatusesAsync())
            Assert.Equal(cluster.Nodes.Select(n => n.Id), status.Members.Select(m => m.NodeId));
        var victimScrape = await PrometheusScrape.ReadAsync(victim.Http);
        Assert.Equal(1, victimScrape.Sum("joblog_zookeeper_reconnects_total", ("joblog_reconnect_kind", "new_session")));
        Assert.Equal(1, victimScrape.Sum("joblog_zookeeper_session_state", ("joblog_zookeeper_state", "connected")));
    }
}
