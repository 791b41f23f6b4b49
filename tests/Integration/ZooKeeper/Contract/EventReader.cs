using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Watches;

namespace JobLog.Integration.ZooKeeper.Contract;

/// <summary>
/// One subscriber to a client's watch events, subscribed when made. Before each read it asks the subject to deliver
/// what is pending (the model queues notifications until told; a real client needs nothing), then waits with a deadline.
/// </summary>
internal sealed class EventReader : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly IAsyncEnumerator<WatchEvent> _events;
    private readonly Action _deliver;
    private readonly TimeSpan _patience;
    private Task<bool>? _move;

    public EventReader(IZooKeeperClient client, Action deliver, TimeSpan patience)
    {
        _events = client.WatchEvents(_stop.Token).GetAsyncEnumerator(_stop.Token);
        _deliver = deliver;
        _patience = patience;
    }

    /// <summary>The next <paramref name="count"/> events; fails naming what came when fewer arrive in time or the stream ends.</summary>
    public async Task<IReadOnlyList<WatchEvent>> NextAsync(int count)
    {
        _deliver();
        var received = new List<WatchEvent>();
        while (received.Count < count)
        {
            var more = await MoveNextAsync(() => $"Got {received.Count} of {count} watch events within {_patience}: {string.Join(", ", received)}");
            if (!more)
                throw new InvalidOperationException($"The watch stream ended after {received.Count} of {count} events: {string.Join(", ", received)}");
            received.Add(_events.Current);
        }

        return received;
    }

    /// <summary>Waits for the stream to end; fails if an event comes instead.</summary>
    public async Task EndsAsync()
    {
        _deliver();
        if (await MoveNextAsync(() => $"The watch stream did not end within {_patience}"))
            throw new InvalidOperationException($"Expected the watch stream to end, got {_events.Current}");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        // An async iterator cannot be disposed while a move is in flight (one a timed-out read left behind); how that move
        // ended was the test's to see.
        if (_move is { } move)
            await ((Task)move).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        try
        {
            await _events.DisposeAsync();
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task<bool> MoveNextAsync(Func<string> timeoutMessage)
    {
        var next = _move = _events.MoveNextAsync().AsTask();
        if (await Task.WhenAny(next, Task.Delay(_patience)) != next)
            throw new TimeoutException(timeoutMessage());
        return await next;
    }
}
