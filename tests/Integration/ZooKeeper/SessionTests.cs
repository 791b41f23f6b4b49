using JobLog.Integration.Fixtures;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using Xunit;
using static JobLog.Integration.ZooKeeper.ZooKeeperTest;

namespace JobLog.Integration.ZooKeeper;

[Collection(ZooKeeperFixture.Collection)]
public sealed class SessionTests(ZooKeeperFixture zookeeper) : ClientTestBase(zookeeper)
{
    /// <summary>Looks at the nodes of the clients each test makes, from a session of its own.</summary>
    private ZooKeeperClient Observer => Client;

    [Fact]
    public async Task A_new_client_is_connected_with_a_session_id_and_the_negotiated_timeout()
    {
        await using var client = await ConnectAsync(Fixture.ConnectionString, TimeSpan.FromSeconds(4));

        Assert.Equal(SessionState.Connected, client.State);
        Assert.NotEqual(0, client.SessionId);
        Assert.Equal(16, client.SessionPassword.Length);
        Assert.Equal(TimeSpan.FromSeconds(4), client.NegotiatedSessionTimeout);
    }

    [Fact]
    public async Task The_server_clamps_a_too_short_session_timeout()
    {
        await using var client = await ConnectAsync(Fixture.ConnectionString, TimeSpan.FromMilliseconds(200));

        Assert.Equal(TimeSpan.FromSeconds(1), client.NegotiatedSessionTimeout);
    }

    [Fact]
    public async Task An_ephemeral_node_disappears_when_its_client_is_disposed()
    {
        var client = await ConnectAsync(Fixture.ConnectionString);
        var path = await client.CreateAsync($"{Root}/e", Bytes(""), CreateMode.Ephemeral, null, Timeout());

        await client.DisposeAsync();

        Assert.Null(await Observer.ExistsAsync(path, false, Timeout()));
        Assert.Equal(SessionState.Closed, client.State);
    }

    [Fact]
    public async Task A_disposed_client_refuses_new_calls()
    {
        var client = await ConnectAsync(Fixture.ConnectionString);
        await client.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.ExistsAsync("/", false, Timeout()));
    }

    [Fact]
    public async Task A_session_closed_by_a_second_client_expires_and_its_ephemeral_goes()
    {
        await using var client = await ConnectAsync(Fixture.ConnectionString, TimeSpan.FromSeconds(4));
        await using var states = new StateRecorder(client);
        var path = await client.CreateAsync($"{Root}/e", Bytes(""), CreateMode.Ephemeral, null, Timeout());

        await SessionKiller.KillAsync("127.0.0.1", Fixture.Server.Port, client.SessionId, client.SessionPassword, Timeout());

        await states.WaitForAsync(SessionState.Expired, Patience);
        Assert.Null(await Observer.ExistsAsync(path, false, Timeout()));
        await Assert.ThrowsAsync<SessionExpiredException>(() => client.ExistsAsync("/", false, Timeout()));
    }

    [Fact]
    public async Task A_second_client_can_join_a_session_with_its_id_and_password()
    {
        await using var owner = await ConnectAsync(Fixture.ConnectionString);

        await using var joined = await ZooKeeperClient.ConnectAsync(
            new ZooKeeperClientOptions(Fixture.ConnectionString) { SessionId = owner.SessionId, SessionPassword = owner.SessionPassword },
            Timeout());

        // From here the two clients take the session from each other on every reconnect; only the join itself is checked.
        Assert.Equal(owner.SessionId, joined.SessionId);
    }

    [Fact]
    public async Task A_partition_longer_than_the_session_timeout_expires_the_session_and_its_ephemeral()
    {
        await using var proxy = new FreezableProxy(Fixture.Server.Port);
        await using var client = await ConnectAsync(proxy.ConnectionString, TimeSpan.FromSeconds(1));
        await using var states = new StateRecorder(client);
        var path = await client.CreateAsync($"{Root}/partitioned", Bytes(""), CreateMode.Ephemeral, null, Timeout());

        proxy.Freeze();
        await states.WaitForAsync(SessionState.Disconnected, Patience);
        await Eventually(async () => await Observer.ExistsAsync(path, false, Timeout()) is null, Patience, "the server expires the silent session");
        proxy.Thaw();

        await states.WaitForAsync(SessionState.Expired, Patience);
        await Assert.ThrowsAsync<SessionExpiredException>(() => client.GetDataAsync("/", false, Timeout()));
    }

    [Fact]
    public async Task A_connection_reset_fails_the_request_in_flight_and_the_client_rejoins_its_session()
    {
        await using var proxy = new FreezableProxy(Fixture.Server.Port);
        await using var client = await ConnectAsync(proxy.ConnectionString);
        await using var states = new StateRecorder(client);
        var path = await client.CreateAsync($"{Root}/kept", Bytes(""), CreateMode.Ephemeral, null, Timeout());
        var session = client.SessionId;

        proxy.Freeze();
        var sent = proxy.BytesUp;
        var inFlight = client.GetDataAsync(path, false, Timeout());
        await Eventually(() => proxy.BytesUp > sent, Patience, "the request reached the wire");
        proxy.Drop();
        proxy.Thaw();

        await Assert.ThrowsAsync<ConnectionLossException>(() => inFlight);
        await states.WaitForAsync(SessionState.Connected, Patience, after: 2);
        Assert.Contains(SessionState.Disconnected, states.Seen);
        Assert.Equal(session, client.SessionId);
        Assert.NotNull(await client.ExistsAsync(path, false, Timeout()));
    }

    [Fact]
    public async Task Joining_an_expired_session_fails_with_SessionExpired()
    {
        var client = await ConnectAsync(Fixture.ConnectionString);
        var (id, password) = (client.SessionId, client.SessionPassword);
        await client.DisposeAsync();

        await Assert.ThrowsAsync<SessionExpiredException>(() => ZooKeeperClient.ConnectAsync(
            new ZooKeeperClientOptions(Fixture.ConnectionString) { SessionId = id, SessionPassword = password }, Timeout()));
    }

    [Fact]
    public async Task The_state_stream_starts_with_the_current_state_and_ends_with_Closed()
    {
        var client = await ConnectAsync(Fixture.ConnectionString);
        var seen = new List<SessionState>();
        var reading = Task.Run(async () =>
        {
            await foreach (var state in client.SessionStates(Timeout()))
                seen.Add(state);
        });
        await Eventually(() => seen.Count > 0, Patience, "the current state");

        await client.DisposeAsync();
        await reading.WaitAsync(Patience);

        Assert.Equal([SessionState.Connected, SessionState.Closed], seen);
    }

    [Fact]
    public async Task Connecting_to_a_port_nobody_listens_on_fails_with_ConnectionLoss()
    {
        var port = ZooKeeperServer.FreePorts(1)[0];

        await Assert.ThrowsAsync<ConnectionLossException>(() => ZooKeeperClient.ConnectAsync(
            new ZooKeeperClientOptions($"127.0.0.1:{port}") { ConnectTimeout = TimeSpan.FromSeconds(1) }, Timeout()));
    }

    [Fact]
    public async Task An_unknown_auth_scheme_fails_the_session_with_AuthFailed()
    {
        await using var client = await ConnectAsync(Fixture.ConnectionString);

        await Assert.ThrowsAsync<AuthFailedException>(() => client.AddAuthAsync("no-such-scheme", Bytes("x"), Timeout()));

        await Eventually(() => client.State == SessionState.AuthFailed, Patience, "state AuthFailed");
        await Assert.ThrowsAsync<AuthFailedException>(() => client.ExistsAsync("/", false, Timeout()));
    }
}
