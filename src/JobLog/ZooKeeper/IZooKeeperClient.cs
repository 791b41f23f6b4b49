namespace JobLog.ZooKeeper;

/// <summary>
/// The ZooKeeper operations JobLog uses, as a seam for an in-memory model in property tests.
/// Every call has a deadline (<see cref="ZooKeeperClientOptions.RequestTimeout"/>) and honours its token.
/// Paths are relative to the chroot of the connection string.
/// </summary>
public interface IZooKeeperClient : IAsyncDisposable
{
    long SessionId { get; }

    SessionState State { get; }

    /// <summary>The current state first, then every change, until the client is closed (the stream then ends).</summary>
    IAsyncEnumerable<SessionState> SessionStates(CancellationToken cancellationToken);

    /// <summary>
    /// Watch events in server order, subscribed when this method is called (call it before arming watches).
    /// All subscribers are served by one dispatcher: a subscriber that stops reading eventually stalls the connection
    /// (backpressure) rather than losing events, so dispose or cancel subscriptions you no longer read.
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
