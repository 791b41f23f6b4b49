using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using JobLog.ZooKeeper.Errors;
using JobLog.ZooKeeper.Protocol;
using JobLog.ZooKeeper.Watches;
using Microsoft.Extensions.Logging;

namespace JobLog.ZooKeeper.Client;

/// <summary>
/// A fully asynchronous ZooKeeper 3.6+ client: one session, one socket at a time, many requests in flight.
/// </summary>
/// <remarks>
/// <para>Requests are pipelined: one writer task serialises them in batches and one reader task matches replies by xid
/// in FIFO order. When the socket is lost, requests already sent fail with <see cref="ConnectionLossException"/>
/// (their outcome is unknown, so they are never retried here; see <see cref="ZooKeeperRetry"/>), requests not yet sent
/// wait for the next connection, and the client joins the next server with the same session, re-sending its
/// credentials and re-arming every watch with setWatches2. A session the server declares expired is final:
/// <see cref="SessionState.Expired"/>, and every call fails with <see cref="SessionExpiredException"/>.</para>
/// <para>Watch events: see <see cref="WatchEvents"/>. Each subscriber gets them in the order the server sent them (which is
/// zxid order, and before the reply of the request that caused them), through a buffer of its own that holds
/// <see cref="ZooKeeperClientOptions.WatchQueueCapacity"/> events. The socket reader never waits for a subscriber, so
/// replies keep flowing whatever the subscribers do (a handler may await calls on this same client), and a slow
/// subscriber never holds up another. A subscriber that falls that far behind misses events and is told so, in order:
/// one <see cref="WatchEventType.EventsDropped"/> event stands where they were, and the subscriber reads the state
/// again. Beyond what ZooKeeper itself never replays (persistent watches, below), no event the server sent is lost
/// silently while the client lives: one that was read is delivered or announced, one that was not is fired again by
/// the server when the client re-arms its one-shot watch on the next connection.</para>
/// <para>Argument errors (a null path; a path ZooKeeper's own rules refuse, as <see cref="BadArgumentsException"/> naming
/// it; an oversize request; an unknown mode) are thrown synchronously by every method, on the caller's thread, before
/// anything is queued; a call whose arguments are valid reports every other failure through its task.</para>
/// <para>ZooKeeper re-arms persistent watches on a new connection without replaying what changed while there was none
/// (one-shot watches it does replay, by zxid): a subscriber to persistent watches re-reads the state when
/// <see cref="SessionStates"/> goes from <see cref="SessionState.Disconnected"/> back to <see cref="SessionState.Connected"/>.</para>
/// </remarks>
public sealed partial class ZooKeeperClient : IZooKeeperClient
{
    private readonly ZooKeeperClientOptions _options;
    private readonly Channel<Request> _outgoing = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions
    {
        // Terminate drains the queue from outside the writer task, so it has more than one reader.
        SingleReader = false,
        AllowSynchronousContinuations = false,
    });
    private readonly ConcurrentQueue<Request> _deadlines = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly SessionStateBroadcaster _states = new();
    private readonly Lock _authGate = new();
    private readonly List<(string Scheme, byte[] Auth)> _authInfo = [];
    private readonly long _requestTimeoutMs;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly long _started;
    private long _sessionId;
    private byte[] _password;
    private int _negotiatedTimeoutMs;
    private long _lastZxid;
    private int _xid;
    private Exception? _terminal;
    private volatile bool _closeRequested;
    private volatile ZooKeeperConnection? _current;
    private Task _loop = Task.CompletedTask;
    private Task _sweeper = Task.CompletedTask;
    private int _serverIndex;
    private TimeSpan? _refusedSince;
    private int _disposed;

    private ZooKeeperClient(ZooKeeperClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SessionTimeout <= TimeSpan.Zero || options.RequestTimeout <= TimeSpan.Zero || options.ConnectTimeout <= TimeSpan.Zero)
            throw new ArgumentException("SessionTimeout, RequestTimeout and ConnectTimeout must be positive.", nameof(options));
        if (options.WatchQueueCapacity < 1)
            throw new ArgumentException("WatchQueueCapacity must be at least 1.", nameof(options));
        if (options.SessionId != 0 && options.SessionPassword.Length != 16)
            throw new ArgumentException("Joining an existing session needs its 16-byte password.", nameof(options));

        ArgumentNullException.ThrowIfNull(options.Logger, nameof(options.Logger));
        ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(options.TimeProvider));

        _options = options;
        _logger = options.Logger;
        _time = options.TimeProvider;
        _started = _time.GetTimestamp();
        ConnectionString = ZooKeeperConnectionString.Parse(options.ConnectionString);
        _requestTimeoutMs = (long)options.RequestTimeout.TotalMilliseconds;
        _sessionId = options.SessionId;
        _password = options.SessionId != 0 ? options.SessionPassword.ToArray() : new byte[16];
        _serverIndex = Random.Shared.Next(ConnectionString.Servers.Count);
        Dispatcher = new WatchDispatcher(options.WatchQueueCapacity, _logger);
    }

    public long SessionId => Volatile.Read(ref _sessionId);

    /// <summary>The session password; with <see cref="SessionId"/> it lets another client join (and so take over) this session.</summary>
    public ReadOnlyMemory<byte> SessionPassword => Volatile.Read(ref _password).ToArray();

    /// <summary>The session timeout the server granted (zero before the first connection).</summary>
    public TimeSpan NegotiatedSessionTimeout => TimeSpan.FromMilliseconds(Volatile.Read(ref _negotiatedTimeoutMs));

    public SessionState State => _states.State;

    /// <summary>The largest zxid seen in any reply.</summary>
    public long LastZxid => Volatile.Read(ref _lastZxid);

    /// <summary>The server the client is connected to, or null while disconnected.</summary>
    public DnsEndPoint? ConnectedServer { get; private set; }

    internal ZooKeeperConnectionString ConnectionString { get; }

    internal string? Chroot => ConnectionString.Chroot;

    internal WatchRegistry Watches { get; } = new();

    internal WatchDispatcher Dispatcher { get; }

    internal ChannelReader<Request> Outgoing => _outgoing.Reader;

    internal TimeProvider Time => _time;

    /// <summary>Time since the client was made, on <see cref="ZooKeeperClientOptions.TimeProvider"/>: the one clock of deadlines and pings.</summary>
    internal TimeSpan Uptime => _time.GetElapsedTime(_started);

    /// <summary>Connects to one of the servers and establishes (or, with <see cref="ZooKeeperClientOptions.SessionId"/>, joins) a session.</summary>
    /// <exception cref="ConnectionLossException">No server answered within <see cref="ZooKeeperClientOptions.ConnectTimeout"/>.</exception>
    /// <exception cref="SessionExpiredException">The session to join is expired or its password is wrong.</exception>
    public static async Task<ZooKeeperClient> ConnectAsync(ZooKeeperClientOptions options, CancellationToken cancellationToken)
    {
        var client = new ZooKeeperClient(options);
        try
        {
            await client.StartAsync(cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<SessionState> SessionStates(CancellationToken cancellationToken) => _states.Subscribe(cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<WatchEvent> WatchEvents(CancellationToken cancellationToken) => Dispatcher.SubscribeEnumerable(cancellationToken);

    /// <summary>
    /// Calls <paramref name="handler"/> for each watch event, in server order, one at a time, on a task of this
    /// subscription's own, until the returned handle is disposed (the handler's token is then cancelled). The handler
    /// may await calls on this client. Events that arrive while it runs wait in the subscription's buffer
    /// (<see cref="ZooKeeperClientOptions.WatchQueueCapacity"/>); past that the handler gets one
    /// <see cref="WatchEventType.EventsDropped"/> event in their place. A handler that throws is logged
    /// (<see cref="ZooKeeperClientOptions.Logger"/>) and skipped for that event; delivery goes on.
    /// </summary>
    public IDisposable SubscribeWatchEvents(Func<WatchEvent, CancellationToken, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Dispatcher.Subscribe(handler);
    }

    /// <summary>Creates a znode and returns its actual path (with the sequence suffix for sequential modes).</summary>
    public Task<string> CreateAsync(string path, ReadOnlyMemory<byte> data, CreateMode mode, IReadOnlyList<Acl>? acl, CancellationToken cancellationToken)
    {
        if (CreateValidation.IsTtl(mode))
            throw new ArgumentException($"Create mode {mode} needs a TTL; call the overload that takes one.", nameof(mode));
        return PathOf(Create2Async(path, data, mode, acl, null, cancellationToken));
    }

    /// <summary>Creates a znode with a TTL (<see cref="CreateMode.PersistentWithTtl"/> or <see cref="CreateMode.PersistentSequentialWithTtl"/>; the server needs extendedTypesEnabled).</summary>
    public Task<string> CreateAsync(string path, ReadOnlyMemory<byte> data, CreateMode mode, IReadOnlyList<Acl>? acl, TimeSpan ttl, CancellationToken cancellationToken) =>
        PathOf(Create2Async(path, data, mode, acl, ttl, cancellationToken));

    /// <summary>
    /// Creates a znode and returns its path and <see cref="Stat"/>. <paramref name="data"/> must not change until the task
    /// completes. A sequential mode may take a path ending in '/': the counter is then the whole node name.
    /// </summary>
    public Task<CreatedNode> Create2Async(string path, ReadOnlyMemory<byte> data, CreateMode mode, IReadOnlyList<Acl>? acl, TimeSpan? ttl, CancellationToken cancellationToken)
    {
        CreateValidation.ThrowIfInvalid(mode, ttl);
        PathValidation.ThrowIfInvalid(Chroot, path, CreateValidation.IsSequential(mode));
        acl ??= Acl.Open;
        RequestSize.ThrowIfTooLarge(RequestSize.CreateBody(Chroot, path, data.Length, acl, ttl is not null), "create");
        return Submit(new CreateRequest(path, data, mode, acl, ttl), cancellationToken);
    }

    /// <summary>Deletes a znode; <paramref name="version"/> −1 matches any version. The root ("/", or the chroot) cannot be deleted.</summary>
    public Task DeleteAsync(string path, int version, CancellationToken cancellationToken)
    {
        CheckPath(path);
        PathValidation.ThrowIfRoot(path);
        return Submit(new DeleteRequest(path, version), cancellationToken);
    }

    /// <summary>The znode's <see cref="Stat"/>, or null when it does not exist. With <paramref name="watch"/> a one-shot watch is left either way.</summary>
    public Task<Stat?> ExistsAsync(string path, bool watch, CancellationToken cancellationToken)
    {
        CheckPath(path);
        return Submit(new ExistsRequest(path, watch), cancellationToken);
    }

    public Task<NodeData> GetDataAsync(string path, bool watch, CancellationToken cancellationToken)
    {
        CheckPath(path);
        return Submit(new GetDataRequest(path, watch), cancellationToken);
    }

    /// <summary>Replaces the data if the znode is at <paramref name="version"/> (−1: any). <paramref name="data"/> must not change until the task completes.</summary>
    public Task<Stat> SetDataAsync(string path, ReadOnlyMemory<byte> data, int version, CancellationToken cancellationToken)
    {
        CheckPath(path);
        RequestSize.ThrowIfTooLarge(RequestSize.SetDataBody(Chroot, path, data.Length), "setData");
        return Submit(new SetDataRequest(path, data, version), cancellationToken);
    }

    public Task<NodeChildren> GetChildrenAsync(string path, bool watch, CancellationToken cancellationToken)
    {
        CheckPath(path);
        return Submit(new GetChildrenRequest(path, watch), cancellationToken);
    }

    /// <summary>
    /// Applies all operations atomically or none. A failed operation does not throw: the result says which one failed
    /// and why (<see cref="MultiResult.FirstError"/>); only a failure of the request itself throws.
    /// </summary>
    public Task<MultiResult> MultiAsync(IReadOnlyList<MultiOp> operations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operations);
        for (var i = 0; i < operations.Count; i++)
        {
            var op = operations[i] ?? throw new ArgumentNullException(nameof(operations), $"Operation {i} of the multi is null.");
            var context = $"operation {i} ({op.Kind}) of the multi";
            PathValidation.ThrowIfInvalid(Chroot, op.Path, op.Kind == MultiOpKind.Create && CreateValidation.IsSequential(op.Mode), context);
            if (op.Kind == MultiOpKind.Delete)
                PathValidation.ThrowIfRoot(op.Path, context);
        }

        RequestSize.ThrowIfTooLarge(RequestSize.MultiBody(Chroot, operations), "multi");
        return Submit(new MultiRequest([.. operations]), cancellationToken);
    }

    /// <summary>Makes the connected server catch up with the leader for <paramref name="path"/> before later reads.</summary>
    public Task SyncAsync(string path, CancellationToken cancellationToken)
    {
        CheckPath(path);
        return Submit(new SyncRequest(path), cancellationToken);
    }

    /// <summary>Arms a watch that stays armed until removed (and is re-armed across reconnects).</summary>
    public Task AddWatchAsync(string path, AddWatchMode mode, CancellationToken cancellationToken)
    {
        CheckPath(path);
        if (!Enum.IsDefined(mode))
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown watch mode.");
        return Submit(new AddWatchRequest(path, mode), cancellationToken);
    }

    /// <summary>
    /// Removes this session's watches of <paramref name="type"/> on <paramref name="path"/> (NoWatcher when there is none).
    /// The server sends no event for it, so the client delivers the matching *WatchRemoved events itself, in the place of
    /// the removal's reply among the server's events, before the returned task completes.
    /// </summary>
    public Task RemoveWatchesAsync(string path, WatcherType type, CancellationToken cancellationToken)
    {
        CheckPath(path);
        if (!Enum.IsDefined(type))
            throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown watcher type.");
        return Submit(new RemoveWatchesRequest(path, type), cancellationToken);
    }

    /// <summary>Adds credentials to the session (kept and re-sent on every reconnect). A refusal is final: <see cref="SessionState.AuthFailed"/>.</summary>
    public Task AddAuthAsync(string scheme, ReadOnlyMemory<byte> auth, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheme);
        // The credentials are sent again on every reconnect: one the server refuses as oversize would end every connection.
        RequestSize.ThrowIfTooLarge(RequestSize.AuthBody(scheme, auth.Length), "auth", nameof(auth));
        var bytes = auth.ToArray();
        lock (_authGate)
            _authInfo.Add((scheme, bytes));
        return Submit(new AuthRequest(scheme, bytes), cancellationToken);
    }

    /// <summary>Adds digest credentials <c>user:password</c>.</summary>
    public Task AddDigestAuthAsync(string user, string password, CancellationToken cancellationToken) =>
        AddAuthAsync("digest", System.Text.Encoding.UTF8.GetBytes($"{user}:{password}"), cancellationToken);

    /// <summary>
    /// Closes the session (its ephemeral nodes go at once), waits briefly for the server to confirm, and stops; watch and
    /// state streams end. While disconnected there is nobody to tell, so the server expires the session after its timeout.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;

        var connection = _current;
        if (connection is not null && Volatile.Read(ref _terminal) is null && State == SessionState.Connected)
        {
            _closeRequested = true;
            var close = new CloseSessionRequest();
            try
            {
                await Submit(close, CancellationToken.None)
                    .WaitAsync(TimeSpan.FromMilliseconds(Math.Min(_requestTimeoutMs, 3000)), _time).ConfigureAwait(false);
                // The server closes the socket after the reply; give it a moment so the close is clean.
                await _loop.WaitAsync(TimeSpan.FromSeconds(1), _time).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Closing is best effort: an unreachable server expires the session on its own.
                LogCloseUnconfirmed(_logger, SessionId, e);
            }
        }

        _closeRequested = true;
        Terminate(SessionState.Closed, () => new ObjectDisposedException(nameof(ZooKeeperClient)));
        _closing.Cancel();
        _current?.Abort("client closed");
        await Task.WhenAll(_loop, _sweeper).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        // Give handlers a moment to work through what is buffered, then stop them even if one is stuck.
        await Dispatcher.DrainAsync(TimeSpan.FromSeconds(1), _time).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Dispatcher.Abandon();
        PublishState(SessionState.Closed);
        _closing.Dispose();
    }

    internal int NextXid()
    {
        var xid = Interlocked.Increment(ref _xid) & int.MaxValue;
        return xid == 0 ? Interlocked.Increment(ref _xid) & int.MaxValue : xid;
    }

    internal void ObserveZxid(long zxid)
    {
        // Only the reader task of the live connection calls this, so read-compare-write cannot race.
        if (zxid > Volatile.Read(ref _lastZxid))
            Volatile.Write(ref _lastZxid, zxid);
    }

    internal IReadOnlyList<(string Scheme, byte[] Auth)> AuthInfo()
    {
        lock (_authGate)
            return [.. _authInfo];
    }

    internal void EnqueuePing() => _outgoing.Writer.TryWrite(PingRequest.Instance);

    internal void OnAuthFailed()
    {
        Terminate(SessionState.AuthFailed, () => new AuthFailedException(null, "the server refused the credentials"));
        _current?.Abort("authentication failed");
    }

    internal string StripChroot(string serverPath)
    {
        var chroot = Chroot;
        if (chroot is null)
            return serverPath;
        if (serverPath.Length == chroot.Length && serverPath == chroot)
            return "/";
        if (serverPath.Length > chroot.Length && serverPath[chroot.Length] == '/' && serverPath.StartsWith(chroot, StringComparison.Ordinal))
            return serverPath[chroot.Length..];
        return serverPath;
    }

    private void CheckPath(string path) => PathValidation.ThrowIfInvalid(Chroot, path);

    private static async Task<string> PathOf(Task<CreatedNode> created) => (await created.ConfigureAwait(false)).Path;

    private Task<T> Submit<T>(Request<T> request, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _terminal) is { } terminal)
            return Task.FromException<T>(Fresh(terminal, request.Path));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<T>(cancellationToken);

        request.Deadline = Uptime + _options.RequestTimeout;
        request.AttachCancellation(cancellationToken);
        _deadlines.Enqueue(request);
        if (!_outgoing.Writer.TryWrite(request))
            request.TryFail(Fresh(Volatile.Read(ref _terminal), request.Path));
        return request.Task;
    }

    private static Exception Fresh(Exception? terminal, string? path) => terminal switch
    {
        SessionExpiredException => new SessionExpiredException(path, "the session expired; build a new client"),
        AuthFailedException => new AuthFailedException(path, "authentication failed earlier on this session"),
        _ => new ObjectDisposedException(nameof(ZooKeeperClient)),
    };

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _sweeper = Task.Run(() => SweepDeadlinesAsync(_closing.Token), CancellationToken.None);
        _loop = Task.Run(() => RunConnectionLoopAsync(connected), CancellationToken.None);

        using var connectTimeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, connectTimeout.Token);
        try
        {
            await connected.Task.WaitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Timed out, or the connection loop gave up (expired session): the precise reason follows.
        }

        if (connected.Task.IsCompletedSuccessfully)
            return;
        cancellationToken.ThrowIfCancellationRequested();
        if (Volatile.Read(ref _terminal) is { } terminal)
            throw Fresh(terminal, null);
        throw new ConnectionLossException(null, $"no server of '{_options.ConnectionString}' accepted a session within {_options.ConnectTimeout}");
    }

    private async Task RunConnectionLoopAsync(TaskCompletionSource connected)
    {
        var servers = ConnectionString.Servers;
        var failures = 0;
        while (!_closing.IsCancellationRequested && !_closeRequested && Volatile.Read(ref _terminal) is null)
        {
            if (failures > 0 && failures % servers.Count == 0)
            {
                // Every server refused in turn: back off (with jitter) instead of spinning.
                var backoff = Math.Min(1000, 50 << Math.Min(failures / servers.Count, 5));
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(backoff / 2, backoff + 1)), _time, _closing.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            var endpoint = servers[_serverIndex];
            _serverIndex = (_serverIndex + 1) % servers.Count;
            ZooKeeperConnection? connection;
            try
            {
                connection = await OpenAsync(endpoint).ConfigureAwait(false);
            }
            catch (Exception e) when (!_closing.IsCancellationRequested)
            {
                failures++;
                LogConnectFailed(_logger, Describe(endpoint), failures, e.Message, e);
                if (RefusedForLongerThanTheSession(e))
                {
                    Terminate(SessionState.Expired, () => new SessionExpiredException(
                        null, "every server refused the session for longer than its timeout (an ensemble that lost its data?)"));
                    break;
                }
                continue;
            }
            catch (Exception)
            {
                break;
            }

            if (connection is null)
                break;
            failures = 0;
            _refusedSince = null;
            _current = connection;
            ConnectedServer = endpoint;
            if (_closeRequested || _closing.IsCancellationRequested)
                connection.Abort("client closed");
            var running = connection.RunAsync();
            // Connected only once the watches are re-armed: a change another client makes after that fires them (the
            // server takes this session's requests in order, not other sessions' around them).
            if (!_closeRequested && !_closing.IsCancellationRequested && await Task.WhenAny(connection.Primed, running).ConfigureAwait(false) != running)
            {
                PublishState(SessionState.Connected);
                connected.TrySetResult();
            }

            await running.ConfigureAwait(false);
            _current = null;
            ConnectedServer = null;
            if (Volatile.Read(ref _terminal) is null && !_closeRequested)
            {
                LogConnectionEnded(_logger, Describe(endpoint), SessionId, connection.EndReason ?? "unknown");
                PublishState(SessionState.Disconnected);
            }
        }

        connected.TrySetCanceled();
    }

    /// <summary>
    /// Whether the session must be taken as expired after this failed attempt. A server that takes the connection and
    /// closes it without answering the handshake refuses the session: ZooKeeper does so, again and again, to a client
    /// that has seen a later zxid than the server has, as after an ensemble was rebuilt from empty data directories. No
    /// server hears from the session while every attempt is refused, so once that has lasted longer than the session
    /// timeout the session has expired wherever it was known; saying so lets the owner start a new session rather than
    /// knock forever. A server that is down or slow to answer (it may come back with its data and the session) does not
    /// count, and any other kind of failure starts the count again.
    /// </summary>
    private bool RefusedForLongerThanTheSession(Exception failure)
    {
        if (SessionId == 0 || failure is not (EndOfStreamException or IOException))
        {
            _refusedSince = null;
            return false;
        }
        var now = Uptime;
        _refusedSince ??= now;
        var timeoutMs = Volatile.Read(ref _negotiatedTimeoutMs);
        var timeout = timeoutMs > 0 ? TimeSpan.FromMilliseconds(timeoutMs) : _options.SessionTimeout;
        return now - _refusedSince.Value > timeout;
    }

    /// <summary>Opens a socket and runs the handshake; null when the server says the session is expired (now final).</summary>
    private async Task<ZooKeeperConnection?> OpenAsync(DnsEndPoint endpoint)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            var requestedMs = (int)_options.SessionTimeout.TotalMilliseconds;
            var negotiatedMs = Volatile.Read(ref _negotiatedTimeoutMs);
            // A server can take the socket and never answer (ZooKeeper 3.8 does so to a connection that arrives while it
            // loads its database: closing it fails on an NPE and leaves it open). Waiting a whole session timeout for one
            // answer would let the session expire before the next attempt, so each attempt gets a third of it at most.
            var sessionMs = negotiatedMs > 0 ? negotiatedMs : requestedMs;
            var budgetMs = Math.Max(500, sessionMs / Math.Max(3, ConnectionString.Servers.Count));
            using var handshakeBudget = new CancellationTokenSource(TimeSpan.FromMilliseconds(budgetMs), _time);
            using var handshakeDeadline = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token, handshakeBudget.Token);
            await socket.ConnectAsync(endpoint, handshakeDeadline.Token).ConfigureAwait(false);
            var stream = new NetworkStream(socket, ownsSocket: true);
            var response = await ZooKeeperConnection.HandshakeAsync(
                stream, LastZxid, requestedMs, SessionId, Volatile.Read(ref _password), handshakeDeadline.Token).ConfigureAwait(false);

            var previous = SessionId;
            if (response.TimeoutMs <= 0 || (previous != 0 && response.SessionId != previous))
            {
                socket.Dispose();
                Terminate(SessionState.Expired, () => new SessionExpiredException(null, "the server reports the session expired"));
                return null;
            }

            if (response.Password.Length != 16)
                throw new Errors.ProtocolViolationException($"session password of {response.Password.Length} bytes");
            Volatile.Write(ref _sessionId, response.SessionId);
            Volatile.Write(ref _password, response.Password);
            Volatile.Write(ref _negotiatedTimeoutMs, response.TimeoutMs);
            return new ZooKeeperConnection(this, socket, stream, response.TimeoutMs, rearmWatches: previous != 0);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Enters a final state once: fails everything queued and ends the watch stream.</summary>
    private void Terminate(SessionState state, Func<Exception> reason)
    {
        if (Interlocked.CompareExchange(ref _terminal, reason(), null) is not null)
            return;
        _outgoing.Writer.TryComplete();
        var terminal = Volatile.Read(ref _terminal)!;
        while (_outgoing.Reader.TryRead(out var request))
            request.TryFail(Fresh(terminal, request.Path));
        Watches.Clear();
        PublishState(state);
        Dispatcher.Complete();
    }

    private async Task SweepDeadlinesAsync(CancellationToken cancellationToken)
    {
        // Every request has the same timeout, so deadlines come in submission order and one FIFO walk finds the expired.
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Clamp(_requestTimeoutMs / 20, 5, 100)), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var now = Uptime;
                while (_deadlines.TryPeek(out var request))
                {
                    if (!request.IsCompleted && request.Deadline > now)
                        break;
                    _deadlines.TryDequeue(out _);
                    if (!request.IsCompleted)
                        request.TryFail(new OperationTimeoutException(request.Path, $"no reply within {_options.RequestTimeout}"));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void PublishState(SessionState state)
    {
        if (!_states.Publish(state))
            return;
        var sessionId = SessionId;
        switch (state)
        {
            case SessionState.Connected:
                LogConnected(_logger, sessionId, ConnectedServer is { } server ? Describe(server) : "?", Volatile.Read(ref _negotiatedTimeoutMs));
                break;
            case SessionState.Expired or SessionState.AuthFailed:
                LogSessionEnded(_logger, sessionId, state);
                break;
            default:
                LogStateChanged(_logger, sessionId, state);
                break;
        }
    }

    private static string Describe(DnsEndPoint endpoint) => $"{endpoint.Host}:{endpoint.Port}";

    [LoggerMessage(Level = LogLevel.Information, Message = "ZooKeeper session 0x{SessionId:x} connected to {Server} (session timeout {SessionTimeoutMs} ms)")]
    private static partial void LogConnected(ILogger logger, long sessionId, string server, int sessionTimeoutMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "ZooKeeper session 0x{SessionId:x} is {State}")]
    private static partial void LogStateChanged(ILogger logger, long sessionId, SessionState state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ZooKeeper session 0x{SessionId:x} is {State}: it is over, and its ephemeral nodes and watches with it")]
    private static partial void LogSessionEnded(ILogger logger, long sessionId, SessionState state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection to ZooKeeper server {Server} for session 0x{SessionId:x} ended: {Reason}")]
    private static partial void LogConnectionEnded(ILogger logger, string server, long sessionId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connecting to ZooKeeper server {Server} failed (attempt {Attempt} in a row): {Reason}")]
    private static partial void LogConnectFailed(ILogger logger, string server, int attempt, string reason, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Closing ZooKeeper session 0x{SessionId:x} was not confirmed; the server expires it on its own")]
    private static partial void LogCloseUnconfirmed(ILogger logger, long sessionId, Exception exception);
}
