using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace JobLog.ZooKeeper.Watches;

/// <summary>
/// Hands watch events to every subscriber in the order the server sent them, each through a bounded buffer of its
/// own (<see cref="WatchSubscription"/>). Publishing never waits, so the socket reader that publishes keeps reading
/// replies whatever the subscribers do, and one slow subscriber never holds up another: a subscriber that falls
/// <c>capacity</c> events behind misses events and is told so by an <see cref="WatchEventType.EventsDropped"/> event.
/// A handler that throws is logged and skipped for that event.
/// </summary>
internal sealed partial class WatchDispatcher(int capacity, ILogger logger)
{
    private readonly Lock _gate = new();
    private WatchSubscription[] _subscriptions = [];
    private bool _ended;

    /// <summary>Offers the event to every current subscriber; called by the socket reader, so it never blocks.</summary>
    public void Publish(WatchEvent watchEvent)
    {
        foreach (var subscription in Volatile.Read(ref _subscriptions))
            subscription.Offer(watchEvent);
    }

    /// <summary>No more events: each subscriber reads what it has buffered and then its stream ends.</summary>
    public void Complete()
    {
        WatchSubscription[] subscriptions;
        lock (_gate)
        {
            _ended = true;
            subscriptions = _subscriptions;
        }

        foreach (var subscription in subscriptions)
            subscription.Complete();
    }

    /// <summary>Waits up to <paramref name="patience"/> for handler subscribers to work through what they have buffered.</summary>
    public Task DrainAsync(TimeSpan patience, TimeProvider time) =>
        Task.WhenAll(Volatile.Read(ref _subscriptions).Select(s => s.Pump)).WaitAsync(patience, time);

    /// <summary>Ends every subscription now and cancels the handlers still running: used when the client is disposed.</summary>
    public void Abandon()
    {
        WatchSubscription[] subscriptions;
        lock (_gate)
        {
            _ended = true;
            subscriptions = _subscriptions;
            Volatile.Write(ref _subscriptions, []);
        }

        foreach (var subscription in subscriptions)
            subscription.Abandon();
    }

    public IDisposable Subscribe(Func<WatchEvent, CancellationToken, ValueTask> handler)
    {
        var subscription = Add();
        subscription.Pump = Task.Run(() => PumpAsync(subscription, handler, logger));
        return subscription;
    }

    /// <summary>Subscribes now (not at the first MoveNext), so events between this call and the enumeration are kept.</summary>
    public IAsyncEnumerable<WatchEvent> SubscribeEnumerable(CancellationToken cancellationToken)
    {
        var subscription = Add();
        var registration = cancellationToken.Register(subscription.Dispose);
        return ReadAsync(subscription, registration, cancellationToken);
    }

    private static async IAsyncEnumerable<WatchEvent> ReadAsync(
        WatchSubscription subscription,
        CancellationTokenRegistration registration,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            while (await subscription.ReadAsync(cancellationToken).ConfigureAwait(false) is { } watchEvent)
                yield return watchEvent;
        }
        finally
        {
            await registration.DisposeAsync().ConfigureAwait(false);
            subscription.Dispose();
        }
    }

    private static async Task PumpAsync(WatchSubscription subscription, Func<WatchEvent, CancellationToken, ValueTask> handler, ILogger logger)
    {
        var token = subscription.Token;
        try
        {
            while (await subscription.ReadAsync(token).ConfigureAwait(false) is { } watchEvent)
            {
                try
                {
                    await handler(watchEvent, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception e)
                {
                    // A failing handler is skipped for this event; the next one is still delivered.
                    LogHandlerFailed(logger, watchEvent.Type, watchEvent.Path, e);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }

    /// <summary>A subscription that arrives after the dispatcher ended is complete at once, so its reader does not wait forever.</summary>
    private WatchSubscription Add()
    {
        var subscription = new WatchSubscription(capacity, Remove);
        bool ended;
        lock (_gate)
        {
            ended = _ended;
            if (!ended)
                Volatile.Write(ref _subscriptions, [.. _subscriptions, subscription]);
        }

        if (ended)
            subscription.Complete();
        return subscription;
    }

    private void Remove(WatchSubscription subscription)
    {
        lock (_gate)
            Volatile.Write(ref _subscriptions, [.. _subscriptions.Where(s => s != subscription)]);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A watch handler failed on {EventType} {Path}; it gets the next event as usual")]
    private static partial void LogHandlerFailed(ILogger logger, WatchEventType eventType, string path, Exception exception);
}
