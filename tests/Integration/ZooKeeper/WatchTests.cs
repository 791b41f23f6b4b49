using JobLog.Integration.Fixtures;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using JobLog.ZooKeeper.Watches;
using Xunit;
using static JobLog.Integration.ZooKeeper.ZooKeeperTest;

namespace JobLog.Integration.ZooKeeper;

[Collection(ZooKeeperFixture.Collection)]
public sealed class WatchTests(ZooKeeperFixture zookeeper) : ClientTestBase(zookeeper)
{
    private CancellationTokenSource _stop = null!;
    private IAsyncEnumerator<WatchEvent> _events = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _stop = new CancellationTokenSource();
        _events = Client.WatchEvents(_stop.Token).GetAsyncEnumerator(_stop.Token);
    }

    public override async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task A_data_watch_fires_once_for_two_changes()
    {
        var path = await Client.CreateAsync($"{Root}/a", Bytes("0"), CreateMode.Persistent, null, Timeout());
        await Client.GetDataAsync(path, true, Timeout());

        await Client.SetDataAsync(path, Bytes("1"), -1, Timeout());
        await Client.SetDataAsync(path, Bytes("2"), -1, Timeout());
        var marker = await MarkerAsync();

        var events = await TakeAsync(_events, 2, Patience);
        Assert.Equal([new WatchEvent(WatchEventType.NodeDataChanged, path), marker], events);
    }

    [Fact]
    public async Task An_exists_watch_on_a_missing_node_fires_NodeCreated()
    {
        var path = $"{Root}/later";
        Assert.Null(await Client.ExistsAsync(path, true, Timeout()));

        await Client.CreateAsync(path, Bytes(""), CreateMode.Persistent, null, Timeout());

        var events = await TakeAsync(_events, 1, Patience);
        Assert.Equal(new WatchEvent(WatchEventType.NodeCreated, path), events[0]);
    }

    [Fact]
    public async Task An_exists_watch_on_a_present_node_fires_NodeDeleted()
    {
        var path = await Client.CreateAsync($"{Root}/a", Bytes(""), CreateMode.Persistent, null, Timeout());
        Assert.NotNull(await Client.ExistsAsync(path, true, Timeout()));

        await Client.DeleteAsync(path, -1, Timeout());

        var events = await TakeAsync(_events, 1, Patience);
        Assert.Equal(new WatchEvent(WatchEventType.NodeDeleted, path), events[0]);
    }

    [Fact]
    public async Task A_child_watch_fires_NodeChildrenChanged_once()
    {
        await Client.GetChildrenAsync(Root, true, Timeout());

        await Client.CreateAsync($"{Root}/one", Bytes(""), CreateMode.Persistent, null, Timeout());
        await Client.CreateAsync($"{Root}/two", Bytes(""), CreateMode.Persistent, null, Timeout());
        var marker = await MarkerAsync();

        var events = await TakeAsync(_events, 2, Patience);
        Assert.Equal([new WatchEvent(WatchEventType.NodeChildrenChanged, Root), marker], events);
    }

    [Fact]
    public async Task A_persistent_recursive_watch_sees_every_descendant_change_in_order()
    {
        await Client.AddWatchAsync(Root, AddWatchMode.PersistentRecursive, Timeout());

        await Client.CreateAsync($"{Root}/a", Bytes(""), CreateMode.Persistent, null, Timeout());
        await Client.CreateAsync($"{Root}/a/b", Bytes(""), CreateMode.Persistent, null, Timeout());
        await Client.SetDataAsync($"{Root}/a/b", Bytes("1"), -1, Timeout());
        await Client.SetDataAsync($"{Root}/a", Bytes("1"), -1, Timeout());
        await Client.DeleteAsync($"{Root}/a/b", -1, Timeout());
        await Client.DeleteAsync($"{Root}/a", -1, Timeout());

        var events = await TakeAsync(_events, 6, Patience);
        Assert.Equal(
            [
                new WatchEvent(WatchEventType.NodeCreated, $"{Root}/a"),
                new WatchEvent(WatchEventType.NodeCreated, $"{Root}/a/b"),
                new WatchEvent(WatchEventType.NodeDataChanged, $"{Root}/a/b"),
                new WatchEvent(WatchEventType.NodeDataChanged, $"{Root}/a"),
                new WatchEvent(WatchEventType.NodeDeleted, $"{Root}/a/b"),
                new WatchEvent(WatchEventType.NodeDeleted, $"{Root}/a"),
            ],
            events);
    }

    [Fact]
    public async Task A_persistent_watch_stays_armed_and_reports_child_changes()
    {
        await Client.AddWatchAsync(Root, AddWatchMode.Persistent, Timeout());

        await Client.SetDataAsync(Root, Bytes("1"), -1, Timeout());
        await Client.SetDataAsync(Root, Bytes("2"), -1, Timeout());
        await Client.CreateAsync($"{Root}/c", Bytes(""), CreateMode.Persistent, null, Timeout());

        var events = await TakeAsync(_events, 3, Patience);
        Assert.Equal(
            [
                new WatchEvent(WatchEventType.NodeDataChanged, Root),
                new WatchEvent(WatchEventType.NodeDataChanged, Root),
                new WatchEvent(WatchEventType.NodeChildrenChanged, Root),
            ],
            events);
    }

    [Fact]
    public async Task Removing_any_watch_stops_a_persistent_watch_and_reports_PersistentWatchRemoved()
    {
        await Client.AddWatchAsync(Root, AddWatchMode.PersistentRecursive, Timeout());

        await Client.RemoveWatchesAsync(Root, WatcherType.Any, Timeout());
        await Client.CreateAsync($"{Root}/after", Bytes(""), CreateMode.Persistent, null, Timeout());
        var marker = await MarkerAsync();

        var events = await TakeAsync(_events, 2, Patience);
        Assert.Equal([new WatchEvent(WatchEventType.PersistentWatchRemoved, Root), marker], events);
    }

    [Fact]
    public async Task Removing_a_data_watch_reports_DataWatchRemoved_and_no_change_event()
    {
        await Client.GetDataAsync(Root, true, Timeout());

        await Client.RemoveWatchesAsync(Root, WatcherType.Data, Timeout());
        await Client.SetDataAsync(Root, Bytes("1"), -1, Timeout());
        var marker = await MarkerAsync();

        var events = await TakeAsync(_events, 2, Patience);
        Assert.Equal([new WatchEvent(WatchEventType.DataWatchRemoved, Root), marker], events);
    }

    [Fact]
    public async Task Removing_a_watch_that_does_not_exist_throws_NoWatcher()
    {
        await Assert.ThrowsAsync<NoWatcherException>(() => Client.RemoveWatchesAsync(Root, WatcherType.Any, Timeout()));
    }

    [Fact]
    public async Task A_slow_consumer_gets_every_event_or_an_EventsDropped_notice_in_its_place()
    {
        await using var watcher = await ZooKeeperClient.ConnectAsync(
            Options(Fixture.ConnectionString) with { WatchQueueCapacity = 2 }, Timeout());
        var received = new EventLog();
        using var subscription = watcher.SubscribeWatchEvents(async (e, ct) =>
        {
            await Task.Delay(5, ct);
            received.Add(e);
        });
        await watcher.AddWatchAsync(Root, AddWatchMode.PersistentRecursive, Timeout());

        const int count = 150;
        for (var i = 0; i < count; i++)
            await Client.SetDataAsync(Root, Bytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), i, Timeout());

        var expected = Enumerable.Repeat(new WatchEvent(WatchEventType.NodeDataChanged, Root), count).ToList();
        await Eventually(() => received.Accounted >= count, Patience, () => $"{count} events delivered or announced as dropped; got {received}");
        received.AssertAccountsInOrder(expected);
    }

    [Fact]
    public async Task A_blocked_consumer_leaves_the_session_usable_and_then_gets_its_buffered_events_and_one_notice()
    {
        await using var watcher = await ZooKeeperClient.ConnectAsync(
            Options(Fixture.ConnectionString) with { WatchQueueCapacity = 1 }, Timeout());
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = new EventLog();
        using var subscription = watcher.SubscribeWatchEvents(async (e, ct) =>
        {
            await gate.Task.WaitAsync(ct);
            received.Add(e);
        });
        await watcher.AddWatchAsync(Root, AddWatchMode.PersistentRecursive, Timeout());
        var expected = new List<WatchEvent>();
        for (var i = 0; i < 20; i++)
        {
            var path = await Client.CreateAsync($"{Root}/n{i}", Bytes(""), CreateMode.Persistent, null, Timeout());
            expected.Add(new WatchEvent(WatchEventType.NodeCreated, path));
        }

        // Replies are read while the consumer is stuck: this read is answered after all 20 notifications.
        Assert.NotNull(await watcher.ExistsAsync($"{Root}/n19", false, Timeout()));
        gate.SetResult();

        await Eventually(() => received.Accounted >= 20, Patience, () => $"20 events delivered or announced as dropped; got {received}");
        received.AssertAccountsInOrder(expected);
        Assert.Equal(WatchEventType.EventsDropped, received.Events[^1].Type);
        Assert.Equal(Root, received.Events[^1].Path);
        Assert.Equal(SessionState.Connected, watcher.State);
    }

    [Fact]
    public async Task Disposing_the_client_ends_a_watch_stream_nobody_reads()
    {
        var watcher = await ZooKeeperClient.ConnectAsync(
            Options(Fixture.ConnectionString) with { WatchQueueCapacity = 1 }, Timeout());
        await using var stalled = watcher.WatchEvents(Timeout()).GetAsyncEnumerator();
        await watcher.AddWatchAsync(Root, AddWatchMode.PersistentRecursive, Timeout());
        for (var i = 0; i < 10; i++)
            await Client.CreateAsync($"{Root}/n{i}", Bytes(""), CreateMode.Persistent, null, Timeout());

        await watcher.DisposeAsync().AsTask().WaitAsync(Patience);

        var drained = 0;
        while (await stalled.MoveNextAsync().AsTask().WaitAsync(Patience))
            drained++;
        Assert.InRange(drained, 0, 10);
        Assert.Equal(SessionState.Closed, watcher.State);
    }

    [Fact]
    public async Task Every_subscriber_sees_the_same_events()
    {
        using var stop = new CancellationTokenSource();
        await using var second = Client.WatchEvents(stop.Token).GetAsyncEnumerator(stop.Token);
        await Client.ExistsAsync($"{Root}/x", true, Timeout());

        await Client.CreateAsync($"{Root}/x", Bytes(""), CreateMode.Persistent, null, Timeout());

        Assert.Equal(await TakeAsync(_events, 1, Patience), await TakeAsync(second, 1, Patience));
        await stop.CancelAsync();
    }

    /// <summary>Arms an exists watch on a fresh path and creates it; its event proves everything before it was delivered.</summary>
    private async Task<WatchEvent> MarkerAsync()
    {
        var path = $"{Root}/marker-{Guid.NewGuid():N}";
        await Client.ExistsAsync(path, true, Timeout());
        await Client.CreateAsync(path, Bytes(""), CreateMode.Persistent, null, Timeout());
        return new WatchEvent(WatchEventType.NodeCreated, path);
    }
}
