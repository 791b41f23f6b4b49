using System.Text;
using JobLog.Testing.ZooKeeperModel;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using JobLog.ZooKeeper.Watches;
using Xunit;

namespace JobLog.Integration.ZooKeeper.Contract;

/// <summary>
/// What only the model does, beside the contract both subjects pass: delivery when the test says, and the faults a real
/// server cannot be made to show on cue (a notification lost on the wire, a reply lost after the change was made, a
/// crashed client's session outliving it, a subscriber overflow), plus determinism.
/// </summary>
public sealed class InMemoryZooKeeperTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly InMemoryZooKeeper _zookeeper = new();

    [Fact]
    public async Task Notifications_wait_in_server_order_until_the_test_delivers_them()
    {
        var (watcher, writer) = (_zookeeper.Connect(), _zookeeper.Connect());
        await writer.CreateAsync("/r", Bytes(""), CreateMode.Persistent, null, None);
        await watcher.AddWatchAsync("/r", AddWatchMode.PersistentRecursive, None);
        await using var events = watcher.WatchEvents(None).GetAsyncEnumerator(None);

        await writer.CreateAsync("/r/x", Bytes(""), CreateMode.Persistent, null, None);
        await writer.SetDataAsync("/r/x", Bytes("1"), -1, None);
        await writer.DeleteAsync("/r/x", -1, None);
        var next = events.MoveNextAsync();

        Assert.Equal([Event(WatchEventType.NodeCreated, "/r/x"), Event(WatchEventType.NodeDataChanged, "/r/x"), Event(WatchEventType.NodeDeleted, "/r/x")], watcher.Pending);
        Assert.False(next.IsCompleted);
        Assert.Equal(Event(WatchEventType.NodeCreated, "/r/x"), watcher.DeliverNext());
        Assert.True(await next);
        Assert.Equal(Event(WatchEventType.NodeCreated, "/r/x"), events.Current);
        Assert.Equal(2, watcher.DeliverAll().Count);
        Assert.Null(watcher.DeliverNext());
    }

    [Fact]
    public async Task A_dropped_connection_loses_notifications_on_the_wire_and_the_reconnect_fires_the_unseen_one_shot_watch_again()
    {
        var (watcher, writer) = (_zookeeper.Connect(), _zookeeper.Connect());
        await writer.CreateAsync("/x", Bytes("0"), CreateMode.Persistent, null, None);
        await writer.CreateAsync("/r", Bytes(""), CreateMode.Persistent, null, None);
        await watcher.GetDataAsync("/x", true, None);
        await watcher.AddWatchAsync("/r", AddWatchMode.PersistentRecursive, None);

        await writer.SetDataAsync("/x", Bytes("1"), -1, None);
        await writer.CreateAsync("/r/y", Bytes(""), CreateMode.Persistent, null, None);
        Assert.Equal(2, watcher.OnWire);
        _zookeeper.Disconnect(watcher);

        Assert.Empty(watcher.Pending);
        _zookeeper.Reconnect(watcher);
        Assert.Equal([Event(WatchEventType.NodeDataChanged, "/x")], watcher.Pending);
    }

    [Fact]
    public async Task A_notification_read_before_a_reply_is_no_longer_on_the_wire()
    {
        var (watcher, writer) = (_zookeeper.Connect(), _zookeeper.Connect());
        await watcher.ExistsAsync("/x", true, None);
        await writer.CreateAsync("/x", Bytes(""), CreateMode.Persistent, null, None);

        await watcher.GetChildrenAsync("/", false, None);
        _zookeeper.Disconnect(watcher);
        _zookeeper.Reconnect(watcher);

        Assert.Equal(0, watcher.OnWire);
        Assert.Equal([Event(WatchEventType.NodeCreated, "/x")], watcher.Pending);
    }

    [Fact]
    public async Task A_call_made_while_disconnected_fails_with_ConnectionLoss_and_changes_nothing()
    {
        var client = _zookeeper.Connect();
        await client.ExistsAsync("/", false, None);
        var (zxid, seen) = (_zookeeper.Zxid, client.LastZxid);
        _zookeeper.Disconnect(client);

        var call = client.CreateAsync("/x", Bytes(""), CreateMode.Persistent, null, None);

        Assert.True(call.IsFaulted);
        await Assert.ThrowsAsync<ConnectionLossException>(() => call);
        Assert.Null(_zookeeper.Read("/x"));
        Assert.Equal((zxid, seen), (_zookeeper.Zxid, client.LastZxid));
        Assert.Throws<BadArgumentsException>(() => { _ = client.CreateAsync("x", Bytes(""), CreateMode.Persistent, null, None); });
    }

    [Fact]
    public async Task A_reply_lost_in_flight_leaves_the_change_made_and_tells_the_caller_ConnectionLoss()
    {
        var client = _zookeeper.Connect();
        _zookeeper.DropConnectionBeforeNextReply(client);

        await Assert.ThrowsAsync<ConnectionLossException>(() => client.CreateAsync("/x", Bytes("1"), CreateMode.Persistent, null, None));

        Assert.Equal(SessionState.Disconnected, client.State);
        Assert.NotNull(_zookeeper.Read("/x"));
        _zookeeper.Reconnect(client);
        await Assert.ThrowsAsync<NodeExistsException>(() => client.CreateAsync("/x", Bytes("1"), CreateMode.Persistent, null, None));
    }

    [Fact]
    public async Task A_crashed_client_leaves_its_session_and_ephemerals_until_the_session_expires()
    {
        var (crashing, observer) = (_zookeeper.Connect(), _zookeeper.Connect());
        await crashing.CreateAsync("/e", Bytes(""), CreateMode.Ephemeral, null, None);
        await observer.ExistsAsync("/e", true, None);

        _zookeeper.Crash(crashing);

        Assert.Equal(SessionState.Closed, crashing.State);
        Assert.Contains(crashing.SessionId, _zookeeper.LiveSessions);
        Assert.NotNull(_zookeeper.Read("/e"));
        Assert.Empty(observer.Pending);
        Assert.True(_zookeeper.Expire(crashing.SessionId));
        Assert.Null(_zookeeper.Read("/e"));
        Assert.Equal([Event(WatchEventType.NodeDeleted, "/e")], observer.Pending);
        Assert.Equal([observer.SessionId], _zookeeper.LiveSessions);
    }

    [Fact]
    public async Task Dropping_pending_events_leaves_one_EventsDropped_notice_counting_them_under_their_deepest_common_node()
    {
        var (watcher, writer) = (_zookeeper.Connect(), _zookeeper.Connect());
        await writer.CreateAsync("/r", Bytes(""), CreateMode.Persistent, null, None);
        await writer.CreateAsync("/r/a", Bytes(""), CreateMode.Persistent, null, None);
        await watcher.AddWatchAsync("/r", AddWatchMode.PersistentRecursive, None);
        await watcher.GetDataAsync("/r/a", true, None);
        await writer.CreateAsync("/r/a/x", Bytes(""), CreateMode.Persistent, null, None);
        await writer.SetDataAsync("/r/a", Bytes("1"), -1, None);
        await writer.CreateAsync("/r/a/y", Bytes(""), CreateMode.Persistent, null, None);

        Assert.Equal(3, watcher.DropPending());

        var notice = Assert.Single(watcher.Pending);
        Assert.Equal((WatchEventType.EventsDropped, "/r/a", 3), (notice.Type, notice.Path, notice.Dropped));
        await writer.CreateAsync("/r/b", Bytes(""), CreateMode.Persistent, null, None);
        Assert.Equal(4, watcher.DropPending());
        notice = Assert.Single(watcher.Pending);
        Assert.Equal((WatchEventType.EventsDropped, "/r", 4), (notice.Type, notice.Path, notice.Dropped));
        _zookeeper.Disconnect(watcher);
        _zookeeper.Reconnect(watcher);
        Assert.Equal([notice], watcher.DeliverAll());
    }

    [Fact]
    public async Task A_subscriber_gets_only_the_events_the_client_read_after_it_subscribed()
    {
        var (watcher, writer) = (_zookeeper.Connect(), _zookeeper.Connect());
        await watcher.AddWatchAsync("/", AddWatchMode.PersistentRecursive, None);
        await using var early = watcher.WatchEvents(None).GetAsyncEnumerator(None);
        await writer.CreateAsync("/read", Bytes(""), CreateMode.Persistent, null, None);
        await watcher.ExistsAsync("/", false, None);
        await using var late = watcher.WatchEvents(None).GetAsyncEnumerator(None);
        await writer.CreateAsync("/unread", Bytes(""), CreateMode.Persistent, null, None);

        watcher.DeliverAll();

        Assert.True(await early.MoveNextAsync());
        Assert.Equal("/read", early.Current.Path);
        Assert.True(await late.MoveNextAsync());
        Assert.Equal("/unread", late.Current.Path);
    }

    [Fact]
    public async Task Two_models_driven_alike_give_the_same_session_ids_zxids_times_and_stats()
    {
        var first = await RunScriptAsync(new InMemoryZooKeeper());
        var second = await RunScriptAsync(new InMemoryZooKeeper());

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Times_come_from_the_injected_clock()
    {
        var clock = new ManualClock(new DateTimeOffset(2030, 5, 1, 12, 0, 0, TimeSpan.Zero));
        var client = new InMemoryZooKeeper(clock).Connect();

        var created = await client.Create2Async("/x", Bytes(""), CreateMode.Persistent, null, null, None);
        clock.Now += TimeSpan.FromSeconds(3);
        var changed = await client.SetDataAsync("/x", Bytes("1"), -1, None);

        Assert.Equal(clock.Now.AddSeconds(-3).ToUnixTimeMilliseconds(), created.Stat.Ctime);
        Assert.Equal((created.Stat.Ctime, clock.Now.ToUnixTimeMilliseconds()), (changed.Ctime, changed.Mtime));
    }

    private static async Task<string> RunScriptAsync(InMemoryZooKeeper zookeeper)
    {
        var (a, b) = (zookeeper.Connect(), zookeeper.Connect());
        await a.CreateAsync("/jobs", Bytes(""), CreateMode.Persistent, null, None);
        var leader = await b.CreateAsync("/jobs/n_", Bytes("b"), CreateMode.EphemeralSequential, null, None);
        await a.MultiAsync([MultiOp.Create("/jobs/x", Bytes("1")), MultiOp.SetData("/jobs", Bytes("2"))], None);
        await Assert.ThrowsAsync<NodeExistsException>(() => a.CreateAsync("/jobs/x", Bytes(""), CreateMode.Persistent, null, None));
        zookeeper.Expire(b);
        var state = new StringBuilder($"{a.SessionId} {b.SessionId} {leader} {zookeeper.Zxid}");
        foreach (var path in new[] { "/jobs", "/jobs/x" })
            state.Append(' ').Append(zookeeper.Read(path));
        return state.ToString();
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static WatchEvent Event(WatchEventType type, string path) => new(type, path);

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
