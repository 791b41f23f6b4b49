using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using JobLog.ZooKeeper.Watches;

namespace JobLog.Testing.ZooKeeperModel;

/// <summary>
/// One session of an <see cref="InMemoryZooKeeper"/> behind <see cref="IZooKeeperClient"/>. Every call completes before
/// it returns, with the results and exceptions of <see cref="ZooKeeperClient"/>: argument errors thrown synchronously,
/// everything else through the task.
/// </summary>
/// <remarks>
/// <para>Notifications wait in <see cref="Pending"/>, in the server's order, until the test hands them to the
/// <see cref="WatchEvents"/> subscribers with <see cref="DeliverNext"/> or <see cref="DeliverAll"/>. Until the client has
/// read one (a reply to a later call, or its delivery) it is on the wire: <see cref="InMemoryZooKeeper.Disconnect"/>
/// loses it and the client, which never saw it, keeps the one-shot watch it fired and re-arms it on reconnect.</para>
/// <para>Where the model differs from <see cref="ZooKeeperClient"/>: a call made while disconnected fails at once with
/// <see cref="ConnectionLossException"/> (as the Java client does), where the real client queues it until the reconnect
/// or fails it with <see cref="OperationTimeoutException"/> after its RequestTimeout; code under test treats both as
/// "not done, outcome unknown". Subscribers have no bounded buffer, so EventsDropped comes only from
/// <see cref="DropPending"/>. Children are listed in ordinal order (the server's order is unspecified). Disposing delivers
/// what the client had read before its streams end.</para>
/// </remarks>
public sealed class InMemoryZooKeeperClient : IZooKeeperClient
{
    private readonly InMemoryZooKeeper _zookeeper;
    private readonly ClientWatchRegistry _registry = new();
    private readonly LinkedList<PendingEvent> _pending = new();
    private readonly StateBroadcast _states = new(SessionState.Connected);
    private ImmutableArray<Channel<WatchEvent>> _subscribers = [];
    private int _onWire;
    private bool _eventsEnding;
    private bool _eventsEnded;
    private Exception? _terminal;
    private long _lastZxid;

    internal InMemoryZooKeeperClient(InMemoryZooKeeper zookeeper, ModelSession session, string? chroot)
    {
        _zookeeper = zookeeper;
        Session = session;
        Chroot = chroot;
    }

    public long SessionId => Session.Id;

    public SessionState State
    {
        get
        {
            lock (_zookeeper.Gate)
                return _states.Current;
        }
    }

    /// <summary>The chroot every path is relative to, or null.</summary>
    public string? Chroot { get; }

    /// <summary>The largest zxid of any reply the client read; what it re-arms one-shot watches against after a reconnect.</summary>
    public long LastZxid
    {
        get
        {
            lock (_zookeeper.Gate)
                return _lastZxid;
        }
    }

    /// <summary>Notifications queued for this client, oldest first; <see cref="OnWire"/> of them, the last ones, are unread.</summary>
    public IReadOnlyList<WatchEvent> Pending
    {
        get
        {
            lock (_zookeeper.Gate)
                return [.. _pending.Select(p => p.Event)];
        }
    }

    /// <summary>How many of the <see cref="Pending"/> notifications are still on the wire, so a disconnect would lose them.</summary>
    public int OnWire
    {
        get
        {
            lock (_zookeeper.Gate)
                return _onWire;
        }
    }

    internal ModelSession Session { get; }

    internal bool IsConnected => _states.Current == SessionState.Connected;

    internal bool IsDisconnected => _states.Current == SessionState.Disconnected;

    internal bool DropBeforeNextReply { get; set; }

    /// <summary>Hands the oldest pending notification to the subscribers and returns it; null when none is pending.</summary>
    public WatchEvent? DeliverNext()
    {
        lock (_zookeeper.Gate)
            return DeliverNextLocked();
    }

    /// <summary>Delivers every pending notification, in order; returns them.</summary>
    public IReadOnlyList<WatchEvent> DeliverAll()
    {
        var delivered = new List<WatchEvent>();
        while (DeliverNext() is { } next)
            delivered.Add(next);
        return delivered;
    }

    /// <summary>
    /// What a subscriber whose buffer overflowed sees: the pending notifications are read by the client (one-shot watches
    /// they fired are spent) and replaced by one <see cref="WatchEventType.EventsDropped"/> event counting them, whose path
    /// is the deepest node they all concern. Returns how many the notice counts.
    /// </summary>
    public int DropPending()
    {
        lock (_zookeeper.Gate)
        {
            if (_pending.Count == 0)
                return 0;
            ReceiveAll();
            var dropped = _pending.Select(p => p.Event).ToList();
            _pending.Clear();
            // A notice still pending from an earlier overflow grows, as the real subscriber's notice does until it is read.
            var count = dropped.Sum(e => e.Type == WatchEventType.EventsDropped ? e.Dropped : 1);
            var under = dropped.Select(e => e.Path).Aggregate(CommonAncestor);
            _pending.AddLast(new PendingEvent(new WatchEvent(WatchEventType.EventsDropped, under) { Dropped = count }) { Audience = _subscribers });
            return count;
        }
    }

    public IAsyncEnumerable<SessionState> SessionStates(CancellationToken cancellationToken)
    {
        lock (_zookeeper.Gate)
            return _states.Subscribe(_zookeeper.Gate, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Subscribes now, not at the first MoveNext. Events come only when the test delivers them.</remarks>
    public IAsyncEnumerable<WatchEvent> WatchEvents(CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<WatchEvent>(new UnboundedChannelOptions { SingleReader = true });
        lock (_zookeeper.Gate)
        {
            if (_eventsEnding || _eventsEnded)
                channel.Writer.TryComplete();
            else
                _subscribers = _subscribers.Add(channel);
        }

        var registration = cancellationToken.Register(() => Unsubscribe(channel));
        return ReadAsync(channel, registration, cancellationToken);
    }

    public Task<string> CreateAsync(string path, ReadOnlyMemory<byte> data, CreateMode mode, IReadOnlyList<Acl>? acl, CancellationToken cancellationToken)
    {
        if (ZooKeeperRules.IsTtl(mode))
            throw new ArgumentException($"Create mode {mode} needs a TTL; call the overload that takes one.", nameof(mode));
        var created = Create2Async(path, data, mode, acl, null, cancellationToken);
        return created.Status == TaskStatus.RanToCompletion ? Task.FromResult(created.Result.Path) : PathOf(created);
    }

    public Task<CreatedNode> Create2Async(string path, ReadOnlyMemory<byte> data, CreateMode mode, IReadOnlyList<Acl>? acl, TimeSpan? ttl, CancellationToken cancellationToken)
    {
        ZooKeeperRules.ThrowIfBadMode(mode, ttl);
        ZooKeeperRules.ThrowIfBadPath(Chroot, path, ZooKeeperRules.IsSequential(mode));
        acl ??= Acl.Open;
        ZooKeeperRules.ThrowIfTooLarge(ZooKeeperRules.CreateBody(Chroot, path, data.Length, acl, ttl is not null), "create");
        return Call<CreatedNode>(path, cancellationToken, () =>
        {
            var created = _zookeeper.Write(t => t.Create(Session, ToServer(path), data, mode, acl, ttl));
            return () => new CreatedNode(FromServer(created.Path), created.Stat);
        });
    }

    public Task DeleteAsync(string path, int version, CancellationToken cancellationToken)
    {
        ZooKeeperRules.ThrowIfBadPath(Chroot, path);
        ZooKeeperRules.ThrowIfRoot(path);
        return Call<bool>(path, cancellationToken, () =>
        {
            _zookeeper.Write(t =>
            {
                t.Delete(ToServer(path), version);
                return true;
            });
            return () => true;
        });
    }

    public Task<Stat?> ExistsAsync(string path, bool watch, CancellationToken cancellationToken)
    {
        ZooKeeperRules.ThrowIfBadPath(Chroot, path);
        return Call<Stat?>(path, cancellationToken, () =>
        {
            var serverPath = ToServer(path);
            // The server arms an exists watch whether or not the node is there; a missing node's fires NodeCreated.
            if (watch)
                _zookeeper.DataWatches.Add(serverPath, this, WatchMode.Standard);
            var stat = _zookeeper.Node(serverPath)?.Stat();
            return () =>
            {
                if (watch)
                    _registry.Add(stat is null ? ClientWatchKind.Exist : ClientWatchKind.Data, path);
                return stat;
            };
        });
    }

    public Task<NodeData> GetDataAsync(string path, bool watch, CancellationToken cancellationToken)
    {
        ZooKeeperRules.ThrowIfBadPath(Chroot, path);
        return Call<NodeData>(path, cancellationToken, () =>
        {
            var serverPath = ToServer(path);
            var node = _zookeeper.Node(serverPath) ?? throw new ServerError(ErrorCode.NoNode);
            if (watch)
                _zookeeper.DataWatches.Add(serverPath, this, WatchMode.Standard);
            var result = new NodeData(node.Data.ToArray(), node.Stat());
            return () =>
            {
                if (watch)
                    _registry.Add(ClientWatchKind.Data, path);
                return result;
            };
        });
    }

    public Task<Stat> SetDataAsync(string path, ReadOnlyMemory<byte> data, int version, CancellationToken cancellationToken)
    {
        ZooKeeperRules.ThrowIfBadPath(Chroot, path);
        ZooKeeperRules.ThrowIfTooLarge(ZooKeeperRules.SetDataBody(Chroot, path, data.Length), "setData");
        return Call<Stat>(path, cancellationToken, () =>
        {
            var stat = _zookeeper.Write(t => t.SetData(ToServer(path), data, version));
            return () => stat;
        });
    }

    public Task<NodeChildren> GetChildrenAsync(string path, bool watch, CancellationToken cancellationToken)
    {
        ZooKeeperRules.ThrowIfBadPath(Chroot, path);
        return Call<NodeChildren>(path, cancellationToken, () =>
        {
            var serverPath = ToServer(path);
            var node = _zookeeper.Node(serverPath) ?? throw new ServerError(ErrorCode.NoNode);
            if (watch)
                _zookeeper.ChildWatches.Add(serverPath, this, WatchMode.Standard);
            var result = new NodeChildren([.. node.Children], node.Stat());
            return () =>
            {
                if (watch)
                    _registry.Add(ClientWatchKind.Child, path);
                return result;
            };
        });
    }

    public Task<MultiResult> MultiAsync(IReadOnlyList<MultiOp> operations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operations);
        for (var i = 0; i < operations.Count; i++)
        {
            var op = operations[i] ?? throw new ArgumentNullException(nameof(operations), $"Operation {i} of the multi is null.");
            var context = $"operation {i} ({op.Kind}) of the multi";
            ZooKeeperRules.ThrowIfBadPath(Chroot, op.Path, op.Kind == MultiOpKind.Create && ZooKeeperRules.IsSequential(op.Mode), context);
            if (op.Kind == MultiOpKind.Delete)
                ZooKeeperRules.ThrowIfRoot(op.Path, context);
        }

        ZooKeeperRules.ThrowIfTooLarge(ZooKeeperRules.MultiBody(Chroot, operations), "multi");
        IReadOnlyList<MultiOp> copy = [.. operations];
        return Call<MultiResult>(null, cancellationToken, () =>
        {
            var result = _zookeeper.Multi(this, copy);
            return () => result;
        });
    }

    public Task SyncAsync(string path, CancellationToken cancellationToken)
    {
        ZooKeeperRules.ThrowIfBadPath(Chroot, path);
        return Call<string>(path, cancellationToken, () => () => path);
    }

    public Task AddWatchAsync(string path, AddWatchMode mode, CancellationToken cancellationToken)
    {
        ZooKeeperRules.ThrowIfBadPath(Chroot, path);
        if (!Enum.IsDefined(mode))
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown watch mode.");
        return Call<bool>(path, cancellationToken, () =>
        {
            var serverPath = ToServer(path);
            var watchMode = mode == AddWatchMode.Persistent ? WatchMode.Persistent : WatchMode.PersistentRecursive;
            _zookeeper.DataWatches.Add(serverPath, this, watchMode);
            _zookeeper.ChildWatches.Add(serverPath, this, watchMode);
            return () =>
            {
                _registry.Add(mode == AddWatchMode.Persistent ? ClientWatchKind.Persistent : ClientWatchKind.PersistentRecursive, path);
                return true;
            };
        });
    }

    /// <remarks>
    /// As ZooKeeper 3.8 removes watches: by the server's two tables (Data: the data table, whatever the mode; Children:
    /// the child table; Any: both); NoWatcher when neither held one. The *WatchRemoved events are the client's own, made
    /// from what it believed it held, and queued in the reply's place.
    /// </remarks>
    public Task RemoveWatchesAsync(string path, WatcherType type, CancellationToken cancellationToken)
    {
        ZooKeeperRules.ThrowIfBadPath(Chroot, path);
        if (!Enum.IsDefined(type))
            throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown watcher type.");
        return Call<bool>(path, cancellationToken, () =>
        {
            var serverPath = ToServer(path);
            var removed = false;
            if (type is WatcherType.Children or WatcherType.Any)
                removed |= _zookeeper.ChildWatches.Remove(serverPath, this);
            if (type is WatcherType.Data or WatcherType.Any)
                removed |= _zookeeper.DataWatches.Remove(serverPath, this);
            if (!removed)
                throw new ServerError(ErrorCode.NoWatcher);
            return () =>
            {
                foreach (var eventType in _registry.Remove(path, type))
                    _pending.AddLast(new PendingEvent(new WatchEvent(eventType, path)) { Audience = _subscribers });
                return true;
            };
        });
    }

    /// <remarks>Digest and ip credentials are accepted; any other scheme is refused as the server refuses it (AuthFailed, final).</remarks>
    public Task AddAuthAsync(string scheme, ReadOnlyMemory<byte> auth, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheme);
        ZooKeeperRules.ThrowIfTooLarge(ZooKeeperRules.AuthBody(scheme, auth.Length), "auth", nameof(auth));
        var bytes = auth.ToArray();
        return Call<bool>(null, cancellationToken, () =>
        {
            if (!InMemoryZooKeeper.Authenticate(Session, scheme, bytes))
                throw new ServerError(ErrorCode.AuthFailed);
            return () => true;
        });
    }

    /// <summary>
    /// Closes the session if connected (its ephemeral nodes go at once, other sessions' watches fire), then ends the
    /// streams after handing the subscribers what the client had read. While disconnected there is nobody to tell: the
    /// session and its ephemerals stay until <see cref="InMemoryZooKeeper.Expire(long)"/>.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        lock (_zookeeper.Gate)
        {
            if (_states.Current != SessionState.Closed && IsConnected && _terminal is null)
            {
                _zookeeper.CloseSession(Session);
                // The close reply comes after the session's last notifications, so the client has read them.
                ReceiveAll();
                _zookeeper.DataWatches.RemoveAll(this);
                _zookeeper.ChildWatches.RemoveAll(this);
            }

            CloseLocked();
        }

        return ValueTask.CompletedTask;
    }

    public override string ToString() => $"session 0x{SessionId:x} ({State}{(Chroot is null ? "" : $", chroot {Chroot}")})";

    internal string ToServer(string path) => ZooKeeperRules.ToServer(Chroot, path);

    internal string FromServer(string serverPath) => ZooKeeperRules.FromServer(Chroot, serverPath);

    internal IReadOnlyList<string> Watches(ClientWatchKind kind) => [.. _registry.Paths(kind).Select(ToServer)];

    /// <summary>The server sends a notification to this connection; it is on the wire until the client reads it.</summary>
    internal void Notify(WatchEventType type, string serverPath)
    {
        _pending.AddLast(new PendingEvent(new WatchEvent(type, FromServer(serverPath))));
        _onWire++;
    }

    internal void OnDisconnected()
    {
        DropOnWire();
        _states.Publish(SessionState.Disconnected);
    }

    internal void OnReconnected() => _states.Publish(SessionState.Connected);

    internal void OnExpired() => Terminate(SessionState.Expired, new SessionExpiredException(null, "the session expired; build a new client"));

    /// <summary>Final Closed: calls fail with ObjectDisposedException unless the session had already ended otherwise.</summary>
    internal void CloseLocked()
    {
        if (_states.Current == SessionState.Closed)
            return;
        _terminal ??= new ObjectDisposedException(nameof(InMemoryZooKeeperClient));
        DropOnWire();
        _registry.Clear();
        // Like the real client's buffers, what the client had read stays readable after the close.
        while (DeliverNextLocked() is not null)
        {
        }

        _eventsEnding = true;
        EndEventsIfDrained();
        _states.Publish(SessionState.Closed);
    }

    private static async Task<string> PathOf(Task<CreatedNode> created) => (await created.ConfigureAwait(false)).Path;

    /// <summary>
    /// Runs one request: refused without touching the server when the client cannot send it; otherwise the server part
    /// runs (and may queue notifications, this client's own included), then the client reads everything queued before
    /// the reply, then the reply part runs (arming the client's view of its watches).
    /// </summary>
    private Task<T> Call<T>(string? path, CancellationToken cancellationToken, Func<Func<T>> serve)
    {
        lock (_zookeeper.Gate)
        {
            if (_terminal is not null)
                return Task.FromException<T>(Fresh(_terminal, path));
            if (cancellationToken.IsCancellationRequested)
                return Task.FromCanceled<T>(cancellationToken);
            if (!IsConnected)
            {
                return Task.FromException<T>(new ConnectionLossException(
                    path, "not connected; the model fails a call at once where ZooKeeperClient queues it until the reconnect or its RequestTimeout"));
            }

            Func<T> reply;
            try
            {
                reply = serve();
            }
            catch (ServerError error)
            {
                var code = error.Code;
                reply = () => throw ZooKeeperRules.Error(code, path);
            }

            if (DropBeforeNextReply)
            {
                DropBeforeNextReply = false;
                _zookeeper.DropConnection(this);
                return Task.FromException<T>(new ConnectionLossException(path, "connection lost with the request in flight; its outcome is unknown"));
            }

            ReceiveAll();
            _lastZxid = _zookeeper.LastZxidLocked;
            try
            {
                return Task.FromResult(reply());
            }
            catch (AuthFailedException failed)
            {
                Terminate(SessionState.AuthFailed, new AuthFailedException(null, "the server refused the credentials"));
                return Task.FromException<T>(failed);
            }
            catch (ZooKeeperException failed)
            {
                return Task.FromException<T>(failed);
            }
        }
    }

    private static Exception Fresh(Exception terminal, string? path) => terminal switch
    {
        SessionExpiredException => new SessionExpiredException(path, "the session expired; build a new client"),
        AuthFailedException => new AuthFailedException(path, "authentication failed earlier on this session"),
        _ => new ObjectDisposedException(nameof(InMemoryZooKeeperClient)),
    };

    /// <summary>A final state: no more calls or notifications; the streams end once what the client had read is delivered.</summary>
    private void Terminate(SessionState state, Exception reason)
    {
        if (_terminal is not null)
            return;
        _terminal = reason;
        DropOnWire();
        _registry.Clear();
        _states.Publish(state);
        _eventsEnding = true;
        EndEventsIfDrained();
    }

    /// <summary>Reads everything on the wire; unread notifications are always the last <see cref="_onWire"/> of the queue.</summary>
    private void ReceiveAll()
    {
        if (_onWire == 0)
            return;
        var node = _pending.Last;
        for (var i = 1; i < _onWire; i++)
            node = node!.Previous;
        for (; node is not null; node = node.Next)
            Receive(node.Value);
    }

    private void DropOnWire()
    {
        for (; _onWire > 0; _onWire--)
            _pending.RemoveLast();
    }

    private WatchEvent? DeliverNextLocked()
    {
        if (_pending.First is not { } first)
            return null;
        Receive(first.Value);
        _pending.RemoveFirst();
        foreach (var subscriber in first.Value.Audience!.Value)
            subscriber.Writer.TryWrite(first.Value.Event);
        EndEventsIfDrained();
        return first.Value.Event;
    }

    /// <summary>The client's reader takes the notification: it spends the one-shot watch and picks the subscribers present now.</summary>
    private void Receive(PendingEvent pending)
    {
        if (pending.Received)
            return;
        pending.Audience = _subscribers;
        _onWire--;
        _registry.OnNotification(pending.Event.Type, pending.Event.Path);
    }

    private void EndEventsIfDrained()
    {
        if (!_eventsEnding || _eventsEnded || _pending.Count > 0)
            return;
        _eventsEnded = true;
        foreach (var subscriber in _subscribers)
            subscriber.Writer.TryComplete();
        _subscribers = [];
    }

    private void Unsubscribe(Channel<WatchEvent> channel)
    {
        lock (_zookeeper.Gate)
            _subscribers = _subscribers.Remove(channel);
        channel.Writer.TryComplete();
    }

    private static async IAsyncEnumerable<WatchEvent> ReadAsync(
        Channel<WatchEvent> channel, CancellationTokenRegistration registration, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var watchEvent in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return watchEvent;
        }
        finally
        {
            await registration.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The deepest path that is <paramref name="a"/> or <paramref name="b"/> or an ancestor of both.</summary>
    private static string CommonAncestor(string a, string b)
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
