using JobLog.Integration.Fixtures;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Watches;
using Xunit;
using static JobLog.Integration.ZooKeeper.ZooKeeperTest;

namespace JobLog.Integration.ZooKeeper;

/// <summary>
/// Subscribers that are slow, stuck, or waiting on the client themselves: replies keep flowing, other subscribers go on,
/// and every event the server sent is delivered or announced as dropped, even across a connection drop.
/// </summary>
[Collection(ZooKeeperFixture.Collection)]
public sealed class SlowSubscriberTests(ZooKeeperFixture zookeeper) : ClientTestBase(zookeeper)
{
    [Fact]
    public async Task A_handler_that_awaits_reads_on_the_same_client_completes_every_call_through_a_burst_of_150_notifications()
    {
        await using var watcher = await ZooKeeperClient.ConnectAsync(
            Options(Fixture.ConnectionString) with { WatchQueueCapacity = 8, RequestTimeout = TimeSpan.FromSeconds(2) },
            Timeout());
        var node = await Client.CreateAsync($"{Root}/n", Bytes("start"), CreateMode.Persistent, null, Timeout());
        var received = new EventLog();
        var failures = new List<Exception>();
        var reads = 0;
        // The apply path of a cluster sync: each notification is answered with a read on the same client.
        using var subscription = watcher.SubscribeWatchEvents(async (e, ct) =>
        {
            try
            {
                await watcher.GetDataAsync(node, false, ct);
                Interlocked.Increment(ref reads);
            }
            catch (Exception error)
            {
                lock (failures)
                    failures.Add(error);
            }

            received.Add(e);
        });
        await watcher.AddWatchAsync(node, AddWatchMode.Persistent, Timeout());

        const int count = 150;
        await Task.WhenAll(Enumerable.Range(0, count).Select(i => Client.SetDataAsync(node, Bytes($"v{i}"), -1, Timeout())));

        await Eventually(() => received.Accounted >= count, Patience, () => $"{count} events delivered or announced; got {received}; failed reads: {Failures()}");
        received.AssertAccountsInOrder(Enumerable.Repeat(new WatchEvent(WatchEventType.NodeDataChanged, node), count).ToList());
        Assert.True(Failures().Length == 0, $"Handler reads failed: {Failures()}");
        Assert.Equal(received.Events.Count, Volatile.Read(ref reads));

        string Failures()
        {
            lock (failures)
                return string.Join("; ", failures.Select(f => $"{f.GetType().Name}: {f.Message}"));
        }
    }

    [Fact]
    public async Task A_subscriber_that_never_reads_holds_up_neither_another_subscriber_nor_replies()
    {
        await using var watcher = await ZooKeeperClient.ConnectAsync(
            Options(Fixture.ConnectionString) with { WatchQueueCapacity = 4, RequestTimeout = TimeSpan.FromSeconds(10) },
            Timeout());
        using var stop = new CancellationTokenSource();
        await using var stalled = watcher.WatchEvents(stop.Token).GetAsyncEnumerator(stop.Token);
        var live = new EventLog();
        using var subscription = watcher.SubscribeWatchEvents((e, _) =>
        {
            live.Add(e);
            return ValueTask.CompletedTask;
        });
        await watcher.AddWatchAsync(Root, AddWatchMode.PersistentRecursive, Timeout());

        var expected = new List<WatchEvent>();
        for (var i = 0; i < 40; i++)
        {
            var path = await Client.CreateAsync($"{Root}/c{i:D2}", Bytes(""), CreateMode.Persistent, null, Timeout());
            expected.Add(new WatchEvent(WatchEventType.NodeCreated, path));
        }

        Assert.Equal(40, (await watcher.GetChildrenAsync(Root, false, Timeout())).Children.Count);
        await Eventually(() => live.Accounted >= 40, Patience, () => $"the live subscriber accounts for 40 events; got {live}");
        live.AssertAccountsInOrder(expected);

        // The stalled subscriber kept its buffer's worth and is told, in order, that the rest were dropped.
        var stalledEvents = await TakeAsync(stalled, 5, Patience);
        Assert.Equal(expected.Take(4), stalledEvents.Take(4));
        Assert.Equal(new WatchEvent(WatchEventType.EventsDropped, Root) { Dropped = 36 }, stalledEvents[4]);
        await stop.CancelAsync();
    }

    [Fact]
    public async Task One_shot_events_taken_off_the_socket_before_the_connection_drops_are_delivered_or_announced()
    {
        await using var proxy = new FreezableProxy(Fixture.Server.Port);
        await using var watcher = await ZooKeeperClient.ConnectAsync(
            Options(proxy.ConnectionString) with { WatchQueueCapacity = 1 }, Timeout());
        await using var states = new StateRecorder(watcher);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = new EventLog();
        using var subscription = watcher.SubscribeWatchEvents(async (e, ct) =>
        {
            await gate.Task.WaitAsync(ct);
            received.Add(e);
        });
        var paths = new List<string>();
        for (var i = 0; i < 20; i++)
            paths.Add(await Client.CreateAsync($"{Root}/w{i:D2}", Bytes("0"), CreateMode.Persistent, null, Timeout()));
        foreach (var path in paths)
            await watcher.GetDataAsync(path, true, Timeout());

        foreach (var path in paths)
            await Client.SetDataAsync(path, Bytes("1"), -1, Timeout());
        // Three notifications read off the socket: with the consumer stuck on the first and a buffer of one, a reader
        // that waits for room would be holding the third when the connection goes.
        await Eventually(
            () => paths.Count(p => watcher.Watches.Contains(WatchKind.Data, p)) <= 17,
            Patience,
            () => $"three data watches fired; {paths.Count(p => watcher.Watches.Contains(WatchKind.Data, p))} still armed");
        proxy.Drop();
        await states.WaitForAsync(SessionState.Disconnected, Patience);
        await states.WaitForAsync(SessionState.Connected, Patience, after: 2);
        gate.SetResult();

        await Eventually(() => received.Accounted >= 20, Patience, () => $"20 events delivered or announced; got {received}");
        received.AssertAccountsFor(paths, WatchEventType.NodeDataChanged);
    }
}
