using JobLog.Integration.Fixtures;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using JobLog.ZooKeeper.Watches;
using Xunit;
using static JobLog.Integration.ZooKeeper.ZooKeeperTest;

namespace JobLog.Integration.ZooKeeper;

/// <summary>Tests that stop servers, so each starts its own (not the shared fixture).</summary>
public sealed class FailoverTests
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task After_a_server_restart_the_client_keeps_its_session_and_its_watches()
    {
        await using var server = await ZooKeeperServer.StartAsync(null, Timeout());
        await using var client = await ConnectAsync(server.ConnectionString);
        await using var states = new StateRecorder(client);
        using var stop = new CancellationTokenSource();
        await using var events = client.WatchEvents(stop.Token).GetAsyncEnumerator(stop.Token);
        var root = await NewRootAsync(client);
        var ephemeral = await client.CreateAsync($"{root}/e", Bytes(""), CreateMode.Ephemeral, null, Timeout());
        await client.AddWatchAsync(root, AddWatchMode.PersistentRecursive, Timeout());
        await client.GetDataAsync(root, true, Timeout());
        var session = client.SessionId;

        await RestartAsync(server, states);

        Assert.Equal(session, client.SessionId);
        Assert.NotNull(await client.ExistsAsync(ephemeral, false, Timeout()));
        await using var other = await ConnectAsync(server.ConnectionString);
        await other.SetDataAsync(root, Bytes("after"), -1, Timeout());
        await other.CreateAsync($"{root}/new", Bytes(""), CreateMode.Persistent, null, Timeout());
        Assert.Equal(
            [new WatchEvent(WatchEventType.NodeDataChanged, root), new WatchEvent(WatchEventType.NodeCreated, $"{root}/new")],
            await TakeAsync(events, 2, Patience));
        await stop.CancelAsync();
    }

    [Fact]
    public async Task Changes_made_while_disconnected_fire_the_rearmed_watch_and_queued_requests_run_on_reconnect()
    {
        await using var server = await ZooKeeperServer.StartAsync(null, Timeout());
        await using var client = await ConnectAsync(server.ConnectionString);
        await using var states = new StateRecorder(client);
        using var stop = new CancellationTokenSource();
        await using var events = client.WatchEvents(stop.Token).GetAsyncEnumerator(stop.Token);
        var root = await NewRootAsync(client);
        await client.GetDataAsync(root, true, Timeout());

        // Keep the client away: stop the server, change the node through a restart without the client noticing.
        await server.StopAsync(Timeout());
        await states.WaitForAsync(SessionState.Disconnected, Recovery);
        var pending = client.GetDataAsync(root, false, Timeout());
        await server.StartAsync(Timeout());
        await using (var other = await ConnectAsync(server.ConnectionString))
            await other.SetDataAsync(root, Bytes("while away"), -1, Timeout());

        Assert.Equal([new WatchEvent(WatchEventType.NodeDataChanged, root)], await TakeAsync(events, 1, Recovery));
        Assert.Equal("while away", Text((await client.GetDataAsync(root, false, Timeout())).Data));
        Assert.NotNull(await pending);
        await stop.CancelAsync();
    }

    [Fact]
    public async Task More_than_128_KiB_of_watched_paths_are_rearmed_after_a_restart()
    {
        await using var server = await ZooKeeperServer.StartAsync(null, Timeout());
        await using var client = await ConnectAsync(server.ConnectionString);
        await using var states = new StateRecorder(client);
        using var stop = new CancellationTokenSource();
        await using var events = client.WatchEvents(stop.Token).GetAsyncEnumerator(stop.Token);
        var root = await NewRootAsync(client);
        var paths = Enumerable.Range(0, 2500).Select(i => $"{root}/{i:D5}-{new string('w', 90)}").ToList();
        await Task.WhenAll(paths.Select(p => client.ExistsAsync(p, true, Timeout())));

        await RestartAsync(server, states);
        await using var other = await ConnectAsync(server.ConnectionString);
        await other.CreateAsync(paths[0], Bytes(""), CreateMode.Persistent, null, Timeout());
        await other.CreateAsync(paths[^1], Bytes(""), CreateMode.Persistent, null, Timeout());

        Assert.Equal(
            [new WatchEvent(WatchEventType.NodeCreated, paths[0]), new WatchEvent(WatchEventType.NodeCreated, paths[^1])],
            await TakeAsync(events, 2, Patience));
        await stop.CancelAsync();
    }

    [Fact]
    public async Task A_request_in_flight_when_the_connection_drops_fails_with_ConnectionLoss()
    {
        await using var server = await ZooKeeperServer.StartAsync(null, Timeout());
        await using var client = await ConnectAsync(server.ConnectionString);
        var root = await NewRootAsync(client);

        // A flood keeps requests in flight when the server is killed; none may be retried silently.
        var flood = Enumerable.Range(0, 20000).Select(_ => client.ExistsAsync(root, false, Timeout())).ToList();
        await server.StopAsync(Timeout());
        var outcomes = await Task.WhenAll(flood.Select(t => t.ContinueWith(x => x.Exception?.InnerException, TaskScheduler.Default)));

        Assert.All(outcomes.OfType<Exception>(), e => Assert.True(e is ConnectionLossException or OperationTimeoutException, e.ToString()));
    }

    [Fact]
    public async Task In_an_ensemble_the_client_moves_to_another_server_keeping_session_ephemerals_and_watches()
    {
        await using var ensemble = await ZooKeeperEnsemble.StartAsync(Timeout());
        await using var client = await ConnectAsync(ensemble.ConnectionString);
        await using var states = new StateRecorder(client);
        using var stop = new CancellationTokenSource();
        await using var events = client.WatchEvents(stop.Token).GetAsyncEnumerator(stop.Token);
        var root = await NewRootAsync(client);
        var ephemeral = await client.CreateAsync($"{root}/e", Bytes(""), CreateMode.Ephemeral, null, Timeout());
        await client.AddWatchAsync(root, AddWatchMode.PersistentRecursive, Timeout());
        var session = client.SessionId;
        var attached = await ensemble.IndexServingSessionAsync(session, Timeout())
            ?? throw new InvalidOperationException("no ensemble member lists the session");

        await ensemble.StopAsync(attached, Timeout());
        await states.WaitForAsync(SessionState.Disconnected, Recovery);
        await states.WaitForAsync(SessionState.Connected, Recovery, after: 2);

        Assert.Equal(session, client.SessionId);
        Assert.NotEqual(ensemble.Servers[attached].Port, client.ConnectedServer?.Port);
        Assert.NotNull(await client.ExistsAsync(ephemeral, false, Timeout()));
        var survivors = string.Join(',', ensemble.Servers.Where((_, i) => i != attached).Select(s => s.ConnectionString));
        await using var other = await ConnectAsync(survivors);
        await other.CreateAsync($"{root}/after", Bytes(""), CreateMode.Persistent, null, Timeout());
        Assert.Equal([new WatchEvent(WatchEventType.NodeCreated, $"{root}/after")], await TakeAsync(events, 1, Patience));
        await stop.CancelAsync();
    }

    /// <summary>Stops the server until the client notices, then starts it again and waits for the client to reconnect.</summary>
    private static async Task RestartAsync(ZooKeeperServer server, StateRecorder states)
    {
        await server.StopAsync(Timeout());
        await states.WaitForAsync(SessionState.Disconnected, Recovery);
        await server.StartAsync(Timeout());
        await states.WaitForAsync(SessionState.Connected, Recovery, after: 2);
    }
}
