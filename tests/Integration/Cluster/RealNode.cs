using JobLog.Cluster;
using JobLog.Integration.ZooKeeper;
using JobLog.Testing.ClusterSim;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using JobLog.ZooKeeper.Watches;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobLog.Integration.Cluster;

/// <summary>
/// One process of a node of the real cluster: its components (<see cref="WiredNode"/>) over the real store, its sessions
/// run by the production <see cref="ZooKeeperSession"/> through a proxy of its own (to drop its connection, or to cut it
/// off for good when it dies), each session behind a <see cref="DyingSession"/> so that it can die in the middle of a call.
/// </summary>
internal sealed class RealNode : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<ZooKeeperClient> _clients = [];
    private readonly ZooKeeperSession _pump;

    public RealNode(int index, int incarnation, WiredNode parts, FreezableProxy proxy, ILoggerFactory logs, Action<RealNode, HeldFate> onDeath)
    {
        Index = index;
        Incarnation = incarnation;
        Parts = parts;
        Proxy = proxy;
        Life = new ProcessLife(fate => onDeath(this, fate));
        _pump = new ZooKeeperSession(
            parts.Agent, parts.Status, parts.ClusterOptions, Options.Create(new ClusterTestHooks()), TimeProvider.System, logs, logs.CreateLogger<ZooKeeperSession>(), ConnectAsync);
    }

    public int Index { get; }

    public int Incarnation { get; }

    public string Id => Parts.Id;

    public WiredNode Parts { get; }

    public FreezableProxy Proxy { get; }

    public ProcessLife Life { get; }

    /// <summary>The client of the session it opened last, or null before its first.</summary>
    public ZooKeeperClient? Client
    {
        get
        {
            lock (_gate)
                return _clients.Count == 0 ? null : _clients[^1];
        }
    }

    /// <summary>Loads the store, then starts the session pump (which attaches and ticks), as a node starting up does.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await Parts.CatchUp.LoadAsync(cancellationToken);
        await _pump.StartAsync(cancellationToken);
    }

    /// <summary>The process is gone: nothing moves through its proxy any more, its pump stops, its sessions stay open.</summary>
    public void Die()
    {
        Proxy.Freeze();
        Proxy.Drop();
        _ = _pump.StopAsync(new CancellationToken(canceled: true));
    }

    public override string ToString() => $"{Id}#{Incarnation}";

    public async ValueTask DisposeAsync()
    {
        await _pump.StopAsync(new CancellationToken(canceled: true));
        _pump.Dispose();
        await Proxy.DisposeAsync();
        ZooKeeperClient[] clients;
        lock (_gate)
            clients = [.. _clients];
        foreach (var client in clients)
            await client.DisposeAsync();
        Parts.Dispose();
    }

    private async Task<IZooKeeperClient> ConnectAsync(ZooKeeperClientOptions options, CancellationToken cancellationToken)
    {
        // A small watch buffer, so that a node busy with one notification can fall behind and get EventsDropped.
        var client = await ZooKeeperClient.ConnectAsync(options with { WatchQueueCapacity = 8 }, cancellationToken);
        lock (_gate)
            _clients.Add(client);
        return new DyingSession(client, Life.DiesBeforeCall, () => Life.Dead);
    }
}
