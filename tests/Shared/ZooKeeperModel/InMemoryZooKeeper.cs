using System.Security.Cryptography;
using System.Text;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using JobLog.ZooKeeper.Watches;

namespace JobLog.Testing.ZooKeeperModel;

/// <summary>
/// A ZooKeeper ensemble as one in-memory data tree, for deterministic tests: versioned znodes with full stats, one zxid
/// counter, sessions that own ephemeral nodes, sequential names, watches with the server's rules, and faults the test
/// drives (<see cref="Disconnect"/>, <see cref="Reconnect"/>, <see cref="Expire(long)"/>, <see cref="Crash"/>,
/// <see cref="DropConnectionBeforeNextReply"/>). Each <see cref="Connect"/> opens a session and returns its
/// <see cref="InMemoryZooKeeperClient"/>, whose notifications wait in a queue until the test delivers them.
/// </summary>
/// <remarks>
/// <para>The rules are ZooKeeper 3.8's (the server the project runs; DataTree, WatchManager and PrepRequestProcessor at
/// release-3.8.0), checked against a real server by the contract suite in tests/Integration/ZooKeeper/Contract.
/// Nothing here starts a thread or a timer or draws a random number: the same calls give the same zxids, session ids,
/// times and events.</para>
/// <para>Left out on purpose: ACLs are checked on create as the server checks them (InvalidAcl) but neither kept nor
/// enforced, so NoAuth never happens; sessions never time out by themselves, containers are never reaped and TTL nodes
/// never expire (the test calls <see cref="Expire(long)"/>); TTL creates work as on a server with extendedTypesEnabled,
/// like the test fixture's.</para>
/// </remarks>
public sealed class InMemoryZooKeeper
{
    /// <summary>The owner field the server keeps for a container (EphemeralType.CONTAINER_EPHEMERAL_OWNER); clients see 0.</summary>
    internal const long ContainerOwner = long.MinValue;

    /// <summary>High byte of the owner field the server keeps for a TTL node, the TTL in the low bytes; clients see 0.</summary>
    internal const long TtlOwnerMask = unchecked((long)0xFF00_0000_0000_0000);

    /// <summary>The longest TTL the server accepts (EphemeralType.TTL.maxValue), in milliseconds.</summary>
    internal const long MaxTtlMilliseconds = 0x0000_00FF_FFFF_FFFF;

    // How a server with myid 1 numbers its sessions: the id in the top byte.
    private const long FirstSessionId = (1L << 56) + 1;

    private static readonly long DefaultEpochMilliseconds = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private readonly Dictionary<string, ZNode> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<long, ModelSession> _sessions = [];
    private readonly TimeProvider? _time;
    private long _zxid;
    private long _nextSessionId = FirstSessionId;

    /// <param name="time">
    /// Where ctime and mtime come from; without it a change's time is a fixed instant (2026-01-01) plus its zxid in
    /// milliseconds, so times grow with every change and repeat from run to run.
    /// </param>
    public InMemoryZooKeeper(TimeProvider? time = null)
    {
        _time = time;
        _nodes["/"] = new ZNode();
        foreach (var path in new[] { "/zookeeper", "/zookeeper/config", "/zookeeper/quota" })
        {
            _nodes[path] = new ZNode();
            _nodes[ZooKeeperRules.ParentOf(path)].Children.Add(ZooKeeperRules.NameOf(path));
        }
    }

    /// <summary>The last zxid given out: every write, session start and session end takes one, failed writes too.</summary>
    public long Zxid
    {
        get
        {
            lock (Gate)
                return _zxid;
        }
    }

    /// <summary>Ids of the sessions the server holds, closed or expired ones excluded, in the order they started.</summary>
    public IReadOnlyList<long> LiveSessions
    {
        get
        {
            lock (Gate)
                return [.. _sessions.Values.Where(s => s.Alive).Select(s => s.Id)];
        }
    }

    /// <summary>One lock for the whole model, so a test may call it from several tasks; no call waits on anything while holding it.</summary>
    internal Lock Gate { get; } = new();

    internal ServerWatchTable DataWatches { get; } = new();

    internal ServerWatchTable ChildWatches { get; } = new();

    /// <summary>Opens a new session and returns its client, connected. <paramref name="chroot"/> is a connection string's chroot, e.g. "/joblog".</summary>
    public InMemoryZooKeeperClient Connect(string? chroot = null)
    {
        if (chroot is not null)
        {
            if (ZooKeeperRules.Problem(chroot, sequential: false) is { } problem)
                throw new FormatException($"Chroot '{chroot}' is not a valid path: {problem}.");
            if (chroot == "/")
                chroot = null;
        }

        lock (Gate)
        {
            _zxid++;
            var session = new ModelSession(_nextSessionId++);
            _sessions[session.Id] = session;
            var client = new InMemoryZooKeeperClient(this, session, chroot);
            session.Client = client;
            return client;
        }
    }

    /// <summary>
    /// Drops the client's connection: its calls fail with <see cref="ConnectionLossException"/> and its state is
    /// Disconnected. Notifications still on the wire are lost; those the client had read (a reply came after them) stay
    /// queued. The server forgets the connection's watches; the client keeps what it believes it holds and re-arms it on
    /// <see cref="Reconnect"/>. The session lives on. False when the client was not connected.
    /// </summary>
    public bool Disconnect(InMemoryZooKeeperClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        lock (Gate)
        {
            if (!client.IsConnected)
                return false;
            DropConnection(client);
            return true;
        }
    }

    /// <summary>
    /// Reconnects a disconnected client to its session. If the session is still alive the state is Connected again and
    /// the client re-arms its watches as setWatches2 does: a one-shot watch fires at once when its node changed after the
    /// last zxid the client saw (NodeDataChanged, NodeChildrenChanged, NodeDeleted, or NodeCreated for an exists watch);
    /// persistent watches are re-armed without replaying what changed meanwhile. If the session expired meanwhile the
    /// client learns it now: Expired. False when the client was not disconnected.
    /// </summary>
    public bool Reconnect(InMemoryZooKeeperClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        lock (Gate)
        {
            if (!client.IsDisconnected)
                return false;
            if (!client.Session.Alive)
            {
                client.OnExpired();
                return true;
            }

            client.OnReconnected();
            Rearm(client);
            return true;
        }
    }

    /// <summary>Expires the client's session; see <see cref="Expire(long)"/>.</summary>
    public bool Expire(InMemoryZooKeeperClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return Expire(client.SessionId);
    }

    /// <summary>
    /// Expires a session as the server does when it hears nothing for the session timeout: its ephemeral nodes are
    /// deleted (one zxid, other sessions' watches fire) and its watches are gone. A connected client sees its connection
    /// close (Disconnected), then Expired, and every call fails with <see cref="SessionExpiredException"/>; a disconnected
    /// client only learns it on <see cref="Reconnect"/>. False when the session was already over.
    /// </summary>
    public bool Expire(long sessionId)
    {
        lock (Gate)
        {
            if (!_sessions.TryGetValue(sessionId, out var session) || !session.Alive)
                return false;
            var client = session.Client;
            var wasConnected = client is { IsConnected: true };
            // The server closes the session's connection with the session, so the expired client hears none of its own deletes.
            if (wasConnected)
                DropConnection(client!);
            CloseSession(session);
            if (wasConnected)
                client!.OnExpired();
            return true;
        }
    }

    /// <summary>
    /// The client's process dies: its connection drops and the client is closed without closing its session, so its
    /// ephemeral nodes stay until <see cref="Expire(long)"/> (as a real server keeps them until the session timeout).
    /// </summary>
    public void Crash(InMemoryZooKeeperClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        lock (Gate)
        {
            if (client.IsConnected)
                DropConnection(client);
            client.CloseLocked();
        }
    }

    /// <summary>
    /// The client's next call that reaches the server takes effect, but the connection drops before its reply: the call
    /// fails with <see cref="ConnectionLossException"/> (its outcome unknown to the caller, as with a real request in
    /// flight) and the client is Disconnected.
    /// </summary>
    public void DropConnectionBeforeNextReply(InMemoryZooKeeperClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        lock (Gate)
            client.DropBeforeNextReply = true;
    }

    /// <summary>The node at a server path (no chroot) as the server holds it now, or null; no client's view or watches change.</summary>
    public NodeData? Read(string path)
    {
        lock (Gate)
            return _nodes.TryGetValue(path, out var node) ? new NodeData(node.Data.ToArray(), node.Stat()) : null;
    }

    /// <summary>The node's child names in ordinal order, or null when the node does not exist.</summary>
    public IReadOnlyList<string>? ChildrenOf(string path)
    {
        lock (Gate)
            return _nodes.TryGetValue(path, out var node) ? [.. node.Children] : null;
    }

    internal long LastZxidLocked => _zxid;

    internal ZNode? Node(string serverPath) => _nodes.GetValueOrDefault(serverPath);

    /// <summary>Runs a write as one transaction: it takes a zxid whether or not it succeeds; the watches fire only if it commits.</summary>
    internal T Write<T>(Func<TreeTransaction, T> operations)
    {
        var transaction = Begin();
        T result;
        try
        {
            result = operations(transaction);
        }
        catch (ServerError)
        {
            transaction.Rollback();
            throw;
        }

        Fire(transaction);
        return result;
    }

    /// <summary>A multi: all operations or none; the results say which failed, as the server's do.</summary>
    internal MultiResult Multi(InMemoryZooKeeperClient client, IReadOnlyList<MultiOp> operations)
    {
        var transaction = Begin();
        var results = new List<MultiOpResult>(operations.Count);
        for (var i = 0; i < operations.Count; i++)
        {
            var op = operations[i];
            var path = client.ToServer(op.Path);
            try
            {
                results.Add(op.Kind switch
                {
                    MultiOpKind.Create => CreatedResult(client, op.Mode, transaction.Create(client.Session, path, op.Data, op.Mode, op.Acl, op.Ttl)),
                    MultiOpKind.Delete => Done(() => transaction.Delete(path, op.Version), MultiOpKind.Delete, op.Path),
                    MultiOpKind.SetData => new MultiOpResult(MultiOpKind.SetData, ErrorCode.Ok, op.Path, transaction.SetData(path, op.Data, op.Version)),
                    _ => Done(() => transaction.Check(path, op.Version), MultiOpKind.Check, op.Path),
                });
            }
            catch (ServerError error)
            {
                transaction.Rollback();
                return new MultiResult([
                    .. operations.Take(i).Select(o => new MultiOpResult(null, ErrorCode.Ok, o.Path, null)),
                    new MultiOpResult(null, error.Code, op.Path, null),
                    .. operations.Skip(i + 1).Select(o => new MultiOpResult(null, ErrorCode.RuntimeInconsistency, o.Path, null)),
                ]);
            }
        }

        Fire(transaction);
        return new MultiResult(results);

        // The server turns a multi's create2 into a plain create, which answers without a stat, except for containers and TTL nodes.
        static MultiOpResult CreatedResult(InMemoryZooKeeperClient client, CreateMode mode, (string Path, Stat Stat) created) =>
            new(MultiOpKind.Create, ErrorCode.Ok, client.FromServer(created.Path),
                mode == CreateMode.Container || ZooKeeperRules.IsTtl(mode) ? created.Stat : null);

        static MultiOpResult Done(Action operation, MultiOpKind kind, string path)
        {
            operation();
            return new MultiOpResult(kind, ErrorCode.Ok, path, null);
        }
    }

    /// <summary>closeSession: the session ends and its ephemeral nodes go in one transaction, oldest first.</summary>
    internal void CloseSession(ModelSession session)
    {
        session.Alive = false;
        var ephemerals = _nodes
            .Where(n => n.Value.EphemeralOwner == session.Id && n.Value.IsSessionEphemeral)
            .OrderBy(n => n.Value.Czxid)
            .ThenBy(n => n.Key, StringComparer.Ordinal)
            .Select(n => n.Key)
            .ToList();
        Write(transaction =>
        {
            foreach (var path in ephemerals)
                transaction.DeleteEphemeral(path);
            return true;
        });
    }

    /// <summary>Adds credentials to a session; false (AuthFailed) for a scheme the server has no provider for.</summary>
    internal static bool Authenticate(ModelSession session, string scheme, ReadOnlyMemory<byte> auth)
    {
        switch (scheme)
        {
            case "digest":
                session.AuthenticatedIds.Add(("digest", DigestId(Encoding.UTF8.GetString(auth.Span))));
                return true;
            case "ip":
                return true;
            default:
                return false;
        }
    }

    internal void DropConnection(InMemoryZooKeeperClient client)
    {
        DataWatches.RemoveAll(client);
        ChildWatches.RemoveAll(client);
        client.OnDisconnected();
    }

    /// <summary>The server's setWatches: fire at once what changed after the client's last zxid, arm the rest.</summary>
    private void Rearm(InMemoryZooKeeperClient client)
    {
        var relativeZxid = client.LastZxid;
        foreach (var path in client.Watches(ClientWatchKind.Data))
        {
            var node = Node(path);
            if (node is null)
                client.Notify(WatchEventType.NodeDeleted, path);
            else if (node.Mzxid > relativeZxid)
                client.Notify(WatchEventType.NodeDataChanged, path);
            else
                DataWatches.Add(path, client, WatchMode.Standard);
        }

        foreach (var path in client.Watches(ClientWatchKind.Exist))
        {
            if (Node(path) is not null)
                client.Notify(WatchEventType.NodeCreated, path);
            else
                DataWatches.Add(path, client, WatchMode.Standard);
        }

        foreach (var path in client.Watches(ClientWatchKind.Child))
        {
            var node = Node(path);
            if (node is null)
                client.Notify(WatchEventType.NodeDeleted, path);
            else if (node.Pzxid > relativeZxid)
                client.Notify(WatchEventType.NodeChildrenChanged, path);
            else
                ChildWatches.Add(path, client, WatchMode.Standard);
        }

        foreach (var path in client.Watches(ClientWatchKind.Persistent))
        {
            ChildWatches.Add(path, client, WatchMode.Persistent);
            DataWatches.Add(path, client, WatchMode.Persistent);
        }

        foreach (var path in client.Watches(ClientWatchKind.PersistentRecursive))
        {
            ChildWatches.Add(path, client, WatchMode.PersistentRecursive);
            DataWatches.Add(path, client, WatchMode.PersistentRecursive);
        }
    }

    private TreeTransaction Begin()
    {
        var zxid = ++_zxid;
        var time = _time?.GetUtcNow().ToUnixTimeMilliseconds() ?? DefaultEpochMilliseconds + zxid;
        return new TreeTransaction(_nodes, zxid, time);
    }

    /// <summary>Fires the watches of a committed transaction in its order, as DataTree does while it applies each change.</summary>
    private void Fire(TreeTransaction transaction)
    {
        foreach (var (change, path) in transaction.Changes)
        {
            var parent = ZooKeeperRules.ParentOf(path);
            switch (change)
            {
                case WatchEventType.NodeCreated:
                    DataWatches.Trigger(path, WatchEventType.NodeCreated);
                    ChildWatches.Trigger(parent, WatchEventType.NodeChildrenChanged);
                    break;
                case WatchEventType.NodeDeleted:
                    var reached = DataWatches.Trigger(path, WatchEventType.NodeDeleted);
                    ChildWatches.Trigger(path, WatchEventType.NodeDeleted, reached);
                    ChildWatches.Trigger(parent, WatchEventType.NodeChildrenChanged);
                    break;
                case WatchEventType.NodeDataChanged:
                    DataWatches.Trigger(path, WatchEventType.NodeDataChanged);
                    break;
            }
        }
    }

    /// <summary>The digest provider's id for "user:password": the user, a colon and base64(SHA-1 of the whole text).</summary>
    private static string DigestId(string userPassword)
    {
        var colon = userPassword.IndexOf(':', StringComparison.Ordinal);
        var user = colon < 0 ? userPassword : userPassword[..colon];
        return $"{user}:{Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes(userPassword)))}";
    }
}
