using Xunit;

namespace JobLog.Integration.Cluster;

/// <summary>PostgreSQL crashes and comes back while clients keep writing through every node.</summary>
[Collection(ClusterServers.Collection)]
public sealed class PostgresRestartTests(ClusterServers servers)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Writes_refused_while_PostgreSQL_is_down_lose_nothing_acknowledged_and_all_nodes_converge_after_its_restart()
    {
        await using var cluster = TestCluster.Create(servers.Postgres.ConnectionString, servers.ZooKeeper.ConnectionString);
        await cluster.StartAsync();
        var ledger = new WriteLedger();

        await using (var load = WriteLoad.Start(cluster.Nodes, ledger))
        {
            await Eventually(() => ledger.AcknowledgedCount >= 20, Patience, () => $"20 writes acknowledged; {ledger}");
            var unansweredBefore = ledger.Unanswered;
            await servers.Postgres.StopAsync(CancellationToken.None);
            try
            {
                await Eventually(() => ledger.Unanswered >= unansweredBefore + 10, Patience, () => $"10 writes refused by the store; {ledger}");
            }
            finally
            {
                await servers.Postgres.StartAsync(CancellationToken.None);
            }
            var before = ledger.AcknowledgedCount;
            await Eventually(() => ledger.AcknowledgedCount >= before + 20, Patience, () => $"20 writes acknowledged after the restart; {ledger}");
        }

        await cluster.AssertConvergedAsync(ledger, TestCluster.ConvergeWithin);
    }
}
