using JobLog.Integration.Fixtures;
using Xunit;

namespace JobLog.Integration.Cluster;

/// <summary>The nodes on a 3-server ZooKeeper ensemble, which loses the server most of them are connected to.</summary>
[Collection(ClusterServers.Collection)]
public sealed class EnsembleFailoverTests(ClusterServers servers)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Nodes_whose_ZooKeeper_server_dies_move_to_another_member_of_the_ensemble_and_converge()
    {
        await using var ensemble = await ZooKeeperEnsemble.StartAsync(CancellationToken.None);
        await using var cluster = TestCluster.Create(servers.Postgres.ConnectionString, ensemble.ConnectionString);
        await cluster.StartAsync();
        var ledger = new WriteLedger();

        await using (var load = WriteLoad.Start(cluster.Nodes, ledger))
        {
            await Eventually(() => ledger.AcknowledgedCount >= 20, Patience, () => $"20 writes acknowledged; {ledger}");
            var serving = new Dictionary<string, int?>();
            foreach (var node in cluster.Nodes)
                serving[node.Id] = await ensemble.IndexServingSessionAsync((await node.SessionAsync()).Id, CancellationToken.None);
            var lost = serving.Values.OfType<int>().GroupBy(i => i).MaxBy(g => g.Count())!.Key;
            await ensemble.StopAsync(lost, CancellationToken.None);

            await Eventually(async () =>
            {
                foreach (var node in cluster.Nodes)
                {
                    if (await ensemble.IndexServingSessionAsync((await node.SessionAsync()).Id, CancellationToken.None) is not { } index || index == lost)
                        return false;
                }
                return true;
            }, TestCluster.ConvergeWithin, () => $"every node's session served by a server other than {lost}");
            var before = ledger.AcknowledgedCount;
            await Eventually(() => ledger.AcknowledgedCount >= before + 20, Patience, () => $"20 more writes acknowledged; {ledger}");
        }

        await cluster.AssertConvergedAsync(ledger, TestCluster.ConvergeWithin);
    }
}
