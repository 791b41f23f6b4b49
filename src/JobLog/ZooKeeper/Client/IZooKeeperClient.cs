using JobLog.ZooKeeper.Watches;

namespace JobLog.ZooKeeper.Client;

/// <summary>
/// The ZooKeeper operations JobLog uses, as a seam for an in-memory model in property tests.
/// Every call has a deadline (<see cref="ZooKeeperClientOptions.RequestTimeout"/>) and honours its token.
/// Paths are relative to the chroot of the connection string and must be valid znode paths (ZooKeeper's own rules:
/// leading '/', no empty, "." or ".." node name, no trailing '/' except the root or a sequential create, no control
/// or reserved characters) that fit a request frame.
/// Argument errors are thrown synchronously, before anything is sent, by every method: <see cref="Errors.BadArgumentsException"/>
/// naming the path for a bad path, <see cref="ArgumentException"/> for an oversize request or an unknown mode. Every
/// other failure comes through the returned task.
/// </summary>
public interface IZooKeeperClient : IAsyncDisposable
{
    long SessionId { get; }

    SessionState State { get; }

    /// <summary>The current state first, then every change, until the client is closed (the stream then ends).</summary>
    IAsyncEnumerable<SessionState> SessionStates(CancellationToken cancellationToken);

    /// <summary>
    /// Watch events in server order, subscribed when this method is called (call it before arming watches).
    /// Each subscriber has a buffer of its own (<see cref="ZooKeeperClientOptions.WatchQueueCapacity"/> events): the
    /// connection never waits for a subscriber, so replies keep flowing (a subscriber may await calls on the same client
    /// between events) and a slow subscriber never holds up another. A subscriber that falls that far behind misses
    /// events and is told so in order: one <see cref="WatchEventType.EventsDropped"/> event stands where the missed
    /// events were, naming how many and the deepest node they all concern; re-read the state (and re-arm one-shot
    /// watches) when it comes. No event is otherwise lost while the client lives, except as ZooKeeper itself allows:
    /// persistent watches are re-armed after a reconnect without the changes made meanwhile, so re-read the state when
    /// <see cref="SessionStates"/> goes from Disconnected to Connected. The stream ends when the session ends.
    /// </summary>
    IAsyncEnumerable<WatchEvent> WatchEvents(CancellationToken cancellationToken);

    Task<string> CreateAsync(string path, ReadOnlyMemory<byte> data, CreateMode mode, IReadOnlyList<Acl>? acl, CancellationToken cancellationToken);

    Task<CreatedNode> Create2Async(string path, ReadOnlyMemory<byte> data, CreateMode mode, IReadOnlyList<Acl>? acl, TimeSpan? ttl, CancellationToken cancellationToken);

    Task DeleteAsync(string path, int version, CancellationToken cancellationToken);

    Task<Stat?> ExistsAsync(string path, bool watch, CancellationToken cancellationToken);

    Task<NodeData> GetDataAsync(string path, bool watch, CancellationToken cancellationToken);

    Task<Stat> SetDataAsync(string path, ReadOnlyMemory<byte> data, int version, CancellationToken cancellationToken);

    Task<NodeChildren> GetChildrenAsync(string path, bool watch, CancellationToken cancellationToken);

    Task<MultiResult> MultiAsync(IReadOnlyList<MultiOp> operations, CancellationToken cancellationToken);

    Task SyncAsync(string path, CancellationToken cancellationToken);

    Task AddWatchAsync(string path, AddWatchMode mode, CancellationToken cancellationToken);

    Task RemoveWatchesAsync(string path, WatcherType type, CancellationToken cancellationToken);

    Task AddAuthAsync(string scheme, ReadOnlyMemory<byte> auth, CancellationToken cancellationToken);
}
