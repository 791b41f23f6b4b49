using JobLog.Integration.Fixtures;
using Xunit;

namespace JobLog.Integration.Cluster;

/// <summary>
/// A PostgreSQL and a standalone ZooKeeper of their own for the cluster tests, both restartable on the same port and
/// data: the fault tests stop and start them, so no other test may share them. Each test runs its nodes on a fresh
/// schema and znode root.
/// </summary>
public sealed class ClusterServers : IAsyncLifetime
{
    public const string Collection = "cluster";

    private LocalPostgres? _postgres;
    private ZooKeeperServer? _zooKeeper;

    public LocalPostgres Postgres => _postgres ?? throw new InvalidOperationException("The cluster servers are not started.");

    public ZooKeeperServer ZooKeeper => _zooKeeper ?? throw new InvalidOperationException("The cluster servers are not started.");

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        // Durable: the PostgreSQL fault is a crash (immediate stop), and without synchronous commits a crash loses
        // transactions PostgreSQL already reported committed, which no node could then agree with.
        var postgres = LocalPostgres.StartAsync(durable: true, timeout.Token);
        var zooKeeper = ZooKeeperServer.StartAsync(null, timeout.Token);
        _postgres = await postgres;
        _zooKeeper = await zooKeeper;
    }

    public async Task DisposeAsync()
    {
        Npgsql.NpgsqlConnection.ClearAllPools();
        if (_zooKeeper is not null)
            await _zooKeeper.DisposeAsync();
        if (_postgres is not null)
            await _postgres.DisposeAsync();
    }
}
