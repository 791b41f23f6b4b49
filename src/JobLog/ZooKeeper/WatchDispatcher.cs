using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace JobLog.ZooKeeper;

/// <summary>
/// The one task per client that hands watch events to subscribers, in the order the server sent them.
/// The socket reader only enqueues; the queue is bounded and a full queue makes the reader wait (backpressure),
/// so a slow subscriber slows the connection down but never loses an event.
/// </summary>
internal sealed class WatchDispatcher
{
    private readonly Channel<WatchEvent> _queue;
    private readonly int _capacity;
    private readonly Lock _gate = new();
    private ImmutableArray<Subscription> _subscribers = [];
    private bool _ended;
    private readonly Task _loop;

    public WatchDispatcher(int capacity)
    {
        _capacity = capacity;
        _queue = Channel.CreateBounded<WatchEvent>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Run(RunAsync);
    }

    public Task Completion => _loop;

    public bool TryEnqueue(WatchEvent watchEvent) => _queue.Writer.TryWrite(watchEvent);

    public ValueTask EnqueueAsync(WatchEvent watchEvent, CancellationToken cancellationToken) =>
        _queue.Writer.WriteAsync(watchEvent, cancellationToken);

    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>Ends every subscription now, dropping what is still queued: used when the client is disposed.</summary>
    public void Abandon()
    {
        Complete();
        EndAll();
    }

    public IDisposable Subscribe(Func<WatchEvent, CancellationToken, ValueTask> handler)
    {
        var subscription = new Subscription(this, handler);
        Add(subscription);
        return subscription;
    }

    /// <summary>Subscribes now (not at the first MoveNext), so events between this call and the enumeration are kept.</summary>
    public IAsyncEnumerable<WatchEvent> SubscribeEnumerable(CancellationToken cancellationToken)
    {
        var buffer = Channel.CreateBounded<WatchEvent>(new BoundedChannelOptions(_capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var subscription = new Subscription(this, (e, ct) => buffer.Writer.WriteAsync(e, ct))
        {
            OnEnded = () => buffer.Writer.TryComplete(),
        };
        Add(subscription);
        var registration = cancellationToken.Register(subscription.Dispose);
        return Read(buffer.Reader, subscription, registration, cancellationToken);
    }

    private static async IAsyncEnumerable<WatchEvent> Read(
        ChannelReader<WatchEvent> reader,
        Subscription subscription,
        CancellationTokenRegistration registration,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out var watchEvent))
                    yield return watchEvent;
            }
        }
        finally
        {
            await registration.DisposeAsync().ConfigureAwait(false);
            subscription.Dispose();
        }
    }

    private async Task RunAsync()
    {
        await foreach (var watchEvent in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            foreach (var subscriber in _subscribers)
            {
                try
                {
                    await subscriber.Handler(watchEvent, subscriber.Token).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // A failing or unsubscribed handler must not stop delivery to the others.
                }
            }
        }

        EndAll();
    }

    /// <summary>Ends every subscription and marks the dispatcher ended, so a later subscription is ended as it arrives.</summary>
    private void EndAll()
    {
        ImmutableArray<Subscription> subscribers;
        lock (_gate)
        {
            subscribers = _subscribers;
            _subscribers = [];
            _ended = true;
        }

        foreach (var subscriber in subscribers)
            subscriber.End();
    }

    /// <summary>A subscription that arrives after the dispatcher ended is ended at once, so its reader does not wait forever.</summary>
    private void Add(Subscription subscription)
    {
        bool ended;
        lock (_gate)
        {
            ended = _ended;
            if (!ended)
                _subscribers = _subscribers.Add(subscription);
        }

        if (ended)
            subscription.End();
    }

    private void Remove(Subscription subscription)
    {
        lock (_gate)
            _subscribers = _subscribers.Remove(subscription);
    }

    private sealed class Subscription(WatchDispatcher owner, Func<WatchEvent, CancellationToken, ValueTask> handler) : IDisposable
    {
        private readonly CancellationTokenSource _disposed = new();
        private int _ended;

        public Func<WatchEvent, CancellationToken, ValueTask> Handler => handler;

        public CancellationToken Token => _disposed.Token;

        public Action? OnEnded { get; set; }

        public void Dispose()
        {
            owner.Remove(this);
            End();
        }

        public void End()
        {
            if (Interlocked.Exchange(ref _ended, 1) != 0)
                return;
            // Cancelling unblocks a dispatcher stuck writing into this subscriber's full buffer.
            _disposed.Cancel();
            OnEnded?.Invoke();
        }
    }
}
