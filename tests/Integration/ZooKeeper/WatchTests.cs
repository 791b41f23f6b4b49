using JobLog.Integration.Fixtures;
using JobLog.ZooKeeper;
using Xunit;
using static JobLog.Integration.ZooKeeper.ZooKeeperTest;

namespace JobLog.Integration.ZooKeeper;

[Collection(ZooKeeperFixture.Collection)]
public sealed class WatchTests(ZooKeeperFixture zookeeper) : IAsyncLifetime
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    private ZooKeeperClient _client = null!;
    private string _root = null!;
    private CancellationTokenSource _stop = null!;
    private IAsyncEnumerator<WatchEvent> _events = null!;

    public async Task InitializeAsync()
    {
        _client = await ConnectAsync(zookeeper.ConnectionString);
        _root = await NewRootAsync(_client);
        _stop = new CancellationTokenSource();
        _events = _client.WatchEvents(_stop.Token).GetAsyncEnumerator(_stop.Token);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _client.DisposeAsync();
    }

    [Fact]
    public async Task A_data_watch_fires_once_for_two_changes()
    {
        var path = await _client.CreateAsync($"{_root}/a", Bytes("0"), CreateMode.Persistent, null, Timeout());
        await _client.GetDataAsync(path, true, Timeout());

        await _client.SetDataAsync(path, Bytes("1"), -1, Timeout());
        await _client.SetDataAsync(path, Bytes("2"), -1, Timeout());
        var marker = await MarkerAsync();

        var events = await TakeAsync(_events, 2, Patience);
        Assert.Equal([new WatchEvent(WatchEventType.NodeDataChanged, path), marker], events);
    }

    [Fact]
    public async Task An_exists_watch_on_a_missing_node_fires_NodeCreated()
    {
        var path = $"{_root}/later";
        Assert.Null(await _client.ExistsAsync(path, true, Timeout()));

        await _client.CreateAsync(path, Bytes(""), CreateMode.Persistent, null, Timeout());

        var events = await TakeAsync(_events, 1, Patience);
        Assert.Equal(new WatchEvent(WatchEventType.NodeCreated, path), events[0]);
    }

    [Fact]
    public async Task An_exists_watch_on_a_present_node_fires_NodeDeleted()
    {
        var path = await _client.CreateAsync($"{_root}/a", Bytes(""), CreateMode.Persistent, null, Timeout());
        Assert.NotNull(await _client.ExistsAsync(path, true, Timeout()));

        await _client.DeleteAsync(path, -1, Timeout());

        var events = await TakeAsync(_events, 1, Patience);
        Assert.Equal(new WatchEvent(WatchEventType.NodeDeleted, path), events[0]);
    }

    [Fact]
    public async Task A_child_watch_fires_NodeChildrenChanged_once()
    {
        await _client.GetChildrenAsync(_root, true, Timeout());

        await _client.CreateAsync($"{_root}/one", Bytes(""), CreateMode.Persistent, null, Timeout());
        await _client.CreateAsync($"{_root}/two", Bytes(""), CreateMode.Persistent, null, Timeout());
        var marker = await MarkerAsync();

        var events = await TakeAsync(_events, 2, Patience);
        Assert.Equal([new WatchEvent(WatchEventType.NodeChildrenChanged, _root), marker], events);
    }

    [Fact]
    public async Task A_persistent_recursive_watch_sees_every_descendant_change_in_order()
    {
        await _client.AddWatchAsync(_root, AddWatchMode.PersistentRecursive, Timeout());

        await _client.CreateAsync($"{_root}/a", Bytes(""), CreateMode.Persistent, null, Timeout());
        await _client.CreateAsync($"{_root}/a/b", Bytes(""), CreateMode.Persistent, null, Timeout());
        await _client.SetDataAsync($"{_root}/a/b", Bytes("1"), -1, Timeout());
        await _client.SetDataAsync($"{_root}/a", Bytes("1"), -1, Timeout());
        await _client.DeleteAsync($"{_root}/a/b", -1, Timeout());
        await _client.DeleteAsync($"{_root}/a", -1, Timeout());

        var events = await TakeAsync(_events, 6, Patience);
        Assert.Equal(
            [
                new WatchEvent(WatchEventType.NodeCreated, $"{_root}/a"),
                new WatchEvent(WatchEventType.NodeCreated, $"{_root}/a/b"),
                new WatchEvent(WatchEventType.NodeDataChanged, $"{_root}/a/b"),
                new WatchEvent(WatchEventType.NodeDataChanged, $"{_root}/a"),
                new WatchEvent(WatchEventType.NodeDeleted, $"{_root}/a/b"),
                new WatchEvent(WatchEventType.NodeDeleted, $"{_root}/a"),
            ],
            events);
    }

    [Fact]
    public async Task A_persistent_watch_stays_armed_and_reports_child_changes()
    {
        await _client.AddWatchAsync(_root, AddWatchMode.Persistent, Timeout());

        await _client.SetDataAsync(_root, Bytes("1"), -1, Timeout());
        await _client.SetDataAsync(_root, Bytes("2"), -1, Timeout());
        await _client.CreateAsync($"{_root}/c", Bytes(""), CreateMode.Persistent, null, Timeout());

        var events = await TakeAsync(_events, 3, Patience);
        Assert.Equal(
            [
                new WatchEvent(WatchEventType.NodeDataChanged, _root),
                new WatchEvent(WatchEventType.NodeDataChanged, _root),
                new WatchEvent(WatchEventType.NodeChildrenChanged, _root),
            ],
            events);
    }

    [Fact]
    public async Task Removing_any_watch_stops_a_persistent_watch_and_reports_PersistentWatchRemoved()
    {
        await _client.AddWatchAsync(_root, AddWatchMode.PersistentRecursive, Timeout());

        await _client.RemoveWatchesAsync(_root, WatcherType.Any, Timeout());
        await _client.CreateAsync($"{_root}/after", Bytes(""), CreateMode.Persistent, null, Timeout());
        var marker = await MarkerAsync();

        var events = await TakeAsync(_events, 2, Patience);
        Assert.Equal([new WatchEvent(WatchEventType.PersistentWatchRemoved, _root), marker], events);
    }

    [Fact]
    public async Task Removing_a_data_watch_reports_DataWatchRemoved_and_no_change_event()
    {
        await _client.GetDataAsync(_root, true, Timeout());

        await _client.RemoveWatchesAsync(_root, WatcherType.Data, Timeout());
        await _client.SetDataAsync(_root, Bytes("1"), -1, Timeout());
        var marker = await MarkerAsync();

        var events = await TakeAsync(_events, 2, Patience);
        Assert.Equal([new WatchEvent(WatchEventType.DataWatchRemoved, _root), marker], events);
    }

    [Fact]
    public async Task Removing_a_watch_that_does_not_exist_throws_NoWatcher()
    {
        await Assert.ThrowsAsync<NoWatcherException>(() => _client.RemoveWatchesAsync(_root, WatcherType.Any, Timeout()));
    }

    [Fact]
    public async Task A_slow_consumer_loses_no_event_when_the_queue_is_full()
    {
        await using var client = await ZooKeeperClient.ConnectAsync(
            new ZooKeeperClientOptions(zookeeper.ConnectionString) { WatchQueueCapacity = 2 }, Timeout());
        var received = new List<WatchEvent>();
        using var subscription = client.SubscribeWatchEvents(async (e, ct) =>
        {
            await Task.Delay(5, ct);
            lock (received)
                received.Add(e);
        });
        await client.AddWatchAsync(_root, AddWatchMode.PersistentRecursive, Timeout());

        const int count = 150;
        for (var i = 0; i < count; i++)
            await _client.SetDataAsync(_root, Bytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), i, Timeout());

        await Eventually(() => { lock (received) return received.Count >= count; }, Patience, $"{count} events delivered");
        lock (received)
            Assert.All(received, e => Assert.Equal(new WatchEvent(WatchEventType.NodeDataChanged, _root), e));
        Assert.Equal(count, received.Count);
    }

    [Fact]
    public async Task Backpressure_keeps_the_session_usable_once_the_consumer_catches_up()
    {
        await using var client = await ZooKeeperClient.ConnectAsync(
            new ZooKeeperClientOptions(zookeeper.ConnectionString) { WatchQueueCapacity = 1 }, Timeout());
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var delivered = 0;
        using var subscription = client.SubscribeWatchEvents(async (_, ct) =>
        {
            await gate.Task.WaitAsync(ct);
            Interlocked.Increment(ref delivered);
        });
        await client.AddWatchAsync(_root, AddWatchMode.PersistentRecursive, Timeout());
        for (var i = 0; i < 20; i++)
            await _client.CreateAsync($"{_root}/n{i}", Bytes(""), CreateMode.Persistent, null, Timeout());

        gate.SetResult();

        await Eventually(() => Volatile.Read(ref delivered) == 20, Patience, "20 events after the consumer resumed");
        Assert.NotNull(await client.ExistsAsync($"{_root}/n19", false, Timeout()));
        Assert.Equal(SessionState.Connected, client.State);
    }

    [Fact]
    public async Task Disposing_the_client_ends_a_watch_stream_nobody_reads()
    {
        var client = await ZooKeeperClient.ConnectAsync(
            new ZooKeeperClientOptions(zookeeper.ConnectionString) { WatchQueueCapacity = 1, RequestTimeout = TimeSpan.FromSeconds(2) }, Timeout());
        await using var stalled = client.WatchEvents(Timeout()).GetAsyncEnumerator();
        await client.AddWatchAsync(_root, AddWatchMode.PersistentRecursive, Timeout());
        for (var i = 0; i < 10; i++)
            await _client.CreateAsync($"{_root}/n{i}", Bytes(""), CreateMode.Persistent, null, Timeout());

        await client.DisposeAsync().AsTask().WaitAsync(Patience);

        var drained = 0;
        while (await stalled.MoveNextAsync().AsTask().WaitAsync(Patience))
            drained++;
        Assert.InRange(drained, 0, 10);
        Assert.Equal(SessionState.Closed, client.State);
    }

    [Fact]
    public async Task Every_subscriber_sees_the_same_events()
    {
        using var stop = new CancellationTokenSource();
        await using var second = _client.WatchEvents(stop.Token).GetAsyncEnumerator(stop.Token);
        await _client.ExistsAsync($"{_root}/x", true, Timeout());

        await _client.CreateAsync($"{_root}/x", Bytes(""), CreateMode.Persistent, null, Timeout());

        Assert.Equal(await TakeAsync(_events, 1, Patience), await TakeAsync(second, 1, Patience));
        await stop.CancelAsync();
    }

    /// <summary>Arms an exists watch on a fresh path and creates it; its event proves everything before it was delivered.</summary>
    private async Task<WatchEvent> MarkerAsync()
    {
        var path = $"{_root}/marker-{Guid.NewGuid():N}";
        await _client.ExistsAsync(path, true, Timeout());
        await _client.CreateAsync(path, Bytes(""), CreateMode.Persistent, null, Timeout());
        return new WatchEvent(WatchEventType.NodeCreated, path);
    }
}
