using JobLog.Integration.Fixtures;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using JobLog.ZooKeeper.Watches;
using Xunit;
using static JobLog.Integration.ZooKeeper.ZooKeeperTest;

namespace JobLog.Integration.ZooKeeper;

/// <summary>Paths at the edges of what ZooKeeper accepts, against a real server: the client refuses no valid one.</summary>
[Collection(ZooKeeperFixture.Collection)]
public sealed class PathTests(ZooKeeperFixture zookeeper) : ClientTestBase(zookeeper)
{
    [Fact]
    public async Task Unusual_but_valid_node_names_are_created_and_listed()
    {
        string[] names = [".a", "a.", "..a", "a..", "...", "a.b", "a b", "\u00e9t\u00e9", "\u65e5\u672c", "\u00a0", "\ufeff", "-_:@"];

        foreach (var name in names)
            await Client.CreateAsync($"{Root}/{name}", Bytes(name), CreateMode.Persistent, null, Timeout());

        Assert.Equal(names.Order(StringComparer.Ordinal), (await Client.GetChildrenAsync(Root, false, Timeout())).Children.Order(StringComparer.Ordinal));
        Assert.Equal("\u65e5\u672c", Text((await Client.GetDataAsync($"{Root}/\u65e5\u672c", false, Timeout())).Data));
    }

    [Fact]
    public async Task A_sequential_create_under_a_trailing_slash_names_the_node_by_its_counter()
    {
        var created = await Client.CreateAsync($"{Root}/", Bytes(""), CreateMode.PersistentSequential, null, Timeout());

        Assert.Equal($"{Root}/0000000000", created);
    }

    [Fact]
    public async Task A_watched_path_of_the_longest_length_is_sent_answered_and_rearmed_beside_others_after_a_reconnect()
    {
        await using var proxy = new FreezableProxy(Fixture.Server.Port);
        await using var client = await ConnectAsync(proxy.ConnectionString);
        await using var states = new StateRecorder(client);
        var longest = $"{Root}/" + new string('l', ArgumentErrorTests.MaxServerPathBytes - Root.Length - 1);

        Assert.Null(await client.ExistsAsync(longest, true, Timeout()));
        await client.GetDataAsync(Root, true, Timeout());
        await Assert.ThrowsAsync<NoNodeException>(() => client.GetDataAsync(longest, false, Timeout()));
        proxy.Drop();
        await states.WaitForAsync(SessionState.Disconnected, Patience);
        await states.WaitForAsync(SessionState.Connected, Patience, after: 2);

        // The re-arming frames went out first on the new connection; a frame over jute.maxbuffer would have closed it.
        Assert.NotNull(await client.ExistsAsync(Root, false, Timeout()));
        Assert.Equal([SessionState.Connected, SessionState.Disconnected, SessionState.Connected], states.Seen);
        Assert.True(client.Watches.Contains(WatchKind.Exist, longest));
    }

    [Fact]
    public async Task An_oversize_path_on_a_read_fails_alone_and_leaves_the_requests_in_flight_alone()
    {
        var inFlight = Enumerable.Range(0, 50).Select(_ => Client.GetDataAsync(Root, false, Timeout())).ToList();

        var error = Assert.Throws<BadArgumentsException>(() => { _ = Client.GetDataAsync("/" + new string('x', 0x100000), false, Timeout()); });

        Assert.Contains("jute.maxbuffer", error.Message);
        Assert.True(error.Message.Length < 1000, "the message shows only the start of a huge path");
        await Task.WhenAll(inFlight);
        Assert.Equal(SessionState.Connected, Client.State);
    }
}
