using System.Threading.Channels;

namespace JobLog.ZooKeeper.Watches;

/// <summary>
/// One subscriber's buffer of watch events. <see cref="Offer"/> never waits, because the socket reader calls it:
/// when <c>capacity</c> events wait unread, later events are dropped and counted, and the reader of the buffer gets one
/// <see cref="WatchEventType.EventsDropped"/> event in their place, after the buffered ones. Events are accepted again
/// once that notice has been read, so memory stays at <c>capacity</c> events plus one notice.
/// </summary>
internal sealed class WatchSubscription : IDisposable
{
    // Stands in the buffer for the notice, whose count and path keep growing until it is read.
    private static readonly WatchEvent NoticePlaceholder = new(WatchEventType.EventsDropped, "/");

    private readonly Channel<WatchEvent> _buffer = Channel.CreateUnbounded<WatchEvent>(new UnboundedChannelOptions
    {
        SingleReader = true,
        // Offer runs on the socket reader: the subscriber's code must never run inline on it.
        AllowSynchronousContinuations = false,
    });
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _cancel = new();
    private readonly int _capacity;
    private readonly Action<WatchSubscription> _onDispose;
    private int _buffered;
    private int _dropped;
    private string? _droppedUnder;
    private int _disposed;

    public WatchSubscription(int capacity, Action<WatchSubscription> onDispose)
    {
        _capacity = capacity;
        _onDispose = onDispose;
    }

    /// <summary>Cancelled when the subscription is disposed or abandoned.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>The task that calls a handler subscriber's handler; completed for stream subscribers.</summary>
    public Task Pump { get; set; } = Task.CompletedTask;

    public void Offer(WatchEvent watchEvent)
    {
        lock (_gate)
        {
            if (_dropped > 0)
            {
                Drop(watchEvent);
            }
            else if (_buffered < _capacity)
            {
                if (_buffer.Writer.TryWrite(watchEvent))
                    _buffered++;
            }
            else if (_buffer.Writer.TryWrite(NoticePlaceholder))
            {
                Drop(watchEvent);
            }
        }
    }

    /// <summary>The next event, or null once the subscription is complete and its buffer read to the end.</summary>
    public async ValueTask<WatchEvent?> ReadAsync(CancellationToken cancellationToken)
    {
        while (await _buffer.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_buffer.Reader.TryRead(out var watchEvent))
                return Taken(watchEvent);
        }

        return null;
    }

    /// <summary>No more events will come; what is buffered can still be read.</summary>
    public void Complete()
    {
        lock (_gate)
            _buffer.Writer.TryComplete();
    }

    /// <summary>Stops a handler subscriber now, even in the middle of its handler (its token is cancelled).</summary>
    public void Abandon()
    {
        Complete();
        _cancel.Cancel();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _onDispose(this);
        Abandon();
    }

    private WatchEvent Taken(WatchEvent watchEvent)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(watchEvent, NoticePlaceholder))
            {
                _buffered--;
                return watchEvent;
            }

            var notice = new WatchEvent(WatchEventType.EventsDropped, _droppedUnder ?? "/") { Dropped = _dropped };
            _dropped = 0;
            _droppedUnder = null;
            return notice;
        }
    }

    private void Drop(WatchEvent watchEvent)
    {
        if (_dropped < int.MaxValue)
            _dropped++;
        _droppedUnder = _droppedUnder is null ? watchEvent.Path : CommonAncestor(_droppedUnder, watchEvent.Path);
    }

    /// <summary>The deepest path that is <paramref name="a"/> or <paramref name="b"/> or an ancestor of both.</summary>
    internal static string CommonAncestor(string a, string b)
    {
        var common = a.AsSpan().CommonPrefixLength(b.AsSpan());
        if (common == a.Length && (b.Length == common || b[common] == '/'))
            return a;
        if (common == b.Length && a[common] == '/')
            return b;
        var slash = common == 0 ? -1 : a.LastIndexOf('/', common - 1);
        return slash <= 0 ? "/" : a[..slash];
    }
}
