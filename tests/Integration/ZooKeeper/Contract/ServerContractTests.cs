using JobLog.Integration.Fixtures;
using JobLog.ZooKeeper.Client;
using Xunit;

namespace JobLog.Integration.ZooKeeper.Contract;

/// <summary>
/// The contract run against a real ZooKeeper 3.8 server. Each session connects through a <see cref="FreezableProxy"/>
/// of its own, so one connection can be dropped (freeze, then close both sides) and restored (thaw) while the session
/// lives; a session is expired from outside with <see cref="SessionKiller"/>.
/// </summary>
[Collection(ZooKeeperFixture.Collection)]
public sealed class ServerContractTests(ZooKeeperFixture zookeeper) : ZooKeeperContract
{
    private readonly Dictionary<IZooKeeperClient, FreezableProxy> _proxies = [];

    protected override TimeSpan Patience => ZooKeeperTest.Patience;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var proxy in _proxies.Values)
            await proxy.DisposeAsync();
    }

    protected override async Task<IZooKeeperClient> OpenAsync(string? chroot)
    {
        var proxy = new FreezableProxy(zookeeper.Server.Port);
        try
        {
            // The 30 s test session outlives any fault here; the proxy stays frozen far less than a third of it,
            // so a reconnect attempt never times out and replays a stale handshake when thawed.
            var client = await ZooKeeperTest.ConnectAsync(proxy.ConnectionString + chroot);
            _proxies[client] = proxy;
            return client;
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
    }

    protected override async Task DropConnectionAsync(IZooKeeperClient client)
    {
        var proxy = _proxies[client];
        proxy.Freeze();
        proxy.Drop();
        await Eventually(() => client.State == SessionState.Disconnected, Patience, "the client sees its connection dropped");
    }

    protected override async Task RestoreConnectionAsync(IZooKeeperClient client)
    {
        _proxies[client].Thaw();
        await Eventually(() => client.State is SessionState.Connected or SessionState.Expired, Patience, () => $"the client reconnects (state {client.State})");
    }

    protected override async Task ExpireSessionAsync(IZooKeeperClient client)
    {
        var real = (ZooKeeperClient)client;
        var wasConnected = real.State == SessionState.Connected;
        await SessionKiller.KillAsync("127.0.0.1", zookeeper.Server.Port, real.SessionId, real.SessionPassword, ZooKeeperTest.Timeout());
        if (wasConnected)
            await Eventually(() => real.State == SessionState.Expired, Patience, () => $"the client learns its session expired (state {real.State})");
    }

    protected override void Deliver(IZooKeeperClient client)
    {
    }
}
