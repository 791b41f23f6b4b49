using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using JobLog.ZooKeeper.Watches;

namespace JobLog.Integration.ZooKeeper;

/// <summary>
/// Passes calls to a real client, but for the first <see cref="LoseReplies"/> writes lets the server apply the call
/// and then throws ConnectionLoss, as if the reply had been lost with the connection; and can let another writer act
/// between a getChildren's answer and its caller (<see cref="AfterGetChildren"/>).
/// </summary>
internal sealed class FlakyZooKeeperClient(IZooKeeperClient inner) : IZooKeeperClient
{
    private int _lost;
    private int _loseReplies = 1;

    /// <summary>How many of the writes from now on lose their reply (settable, so a test can lose a later write).</summary>
    public int LoseReplies
    {
        get => _loseReplies;
        set
        {
            _loseReplies = value;
            _lost = 0;
        }
    }

    public int Calls { get; private set; }

    /// <summary>Runs after the call was applied and before its reply is "lost": another writer's chance to interfere.</summary>
    public Func<Task>? BeforeLosing { get; init; }

    /// <summary>Runs before each write is sent: a test can hold a caller inside its write while something else happens.</summary>
    public Func<string, Task>? BeforeWrite { get; set; }

    /// <summary>Runs after a getChildren was answered and before its caller sees the answer, which it may make stale.</summary>
    public Func<string, Task>? AfterGetChildren { get; set; }

    public long SessionId => inner.SessionId;

    public SessionState State => inner.State;

    public IAsyncEnumerable<SessionState> SessionStates(CancellationToken cancellationToken) => inner.SessionStates(cancellationToken);

    public IAsyncEnumerable<WatchEvent> WatchEvents(CancellationToken cancellationToken) => inner.WatchEvents(cancellationToken);

    public Task<string> CreateAsync(string path, ReadOnlyMemory<byte> data, CreateMode mode, IReadOnlyList<Acl>? acl, CancellationToken cancellationToken) =>
        Lossy(() => inner.CreateAsync(path, data, mode, acl, cancellationToken), path);

    public Task<CreatedNode> Create2Async(string path, ReadOnlyMemory<byte> data, CreateMode mode, IReadOnlyList<Acl>? acl, TimeSpan? ttl, CancellationToken cancellationToken) =>
        Lossy(() => inner.Create2Async(path, data, mode, acl, ttl, cancellationToken), path);

    public Task DeleteAsync(string path, int version, CancellationToken cancellationToken) =>
        Lossy(async () => { await inner.DeleteAsync(path, version, cancellationToken); return true; }, path);

    public Task<Stat?> ExistsAsync(string path, bool watch, CancellationToken cancellationToken) => inner.ExistsAsync(path, watch, cancellationToken);

    public Task<NodeData> GetDataAsync(string path, bool watch, CancellationToken cancellationToken) => inner.GetDataAsync(path, watch, cancellationToken);

    public Task<Stat> SetDataAsync(string path, ReadOnlyMemory<byte> data, int version, CancellationToken cancellationToken) =>
        Lossy(() => inner.SetDataAsync(path, data, version, cancellationToken), path);

    public async Task<NodeChildren> GetChildrenAsync(string path, bool watch, CancellationToken cancellationToken)
    {
        var children = await inner.GetChildrenAsync(path, watch, cancellationToken);
        if (AfterGetChildren is { } interfere)
            await interfere(path);
        return children;
    }

    public Task<MultiResult> MultiAsync(IReadOnlyList<MultiOp> operations, CancellationToken cancellationToken) => inner.MultiAsync(operations, cancellationToken);

    public Task SyncAsync(string path, CancellationToken cancellationToken) => inner.SyncAsync(path, cancellationToken);

    public Task AddWatchAsync(string path, AddWatchMode mode, CancellationToken cancellationToken) => inner.AddWatchAsync(path, mode, cancellationToken);

    public Task RemoveWatchesAsync(string path, WatcherType type, CancellationToken cancellationToken) => inner.RemoveWatchesAsync(path, type, cancellationToken);

    public Task AddAuthAsync(string scheme, ReadOnlyMemory<byte> auth, CancellationToken cancellationToken) => inner.AddAuthAsync(scheme, auth, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private async Task<T> Lossy<T>(Func<Task<T>> call, string path)
    {
        Calls++;
        if (BeforeWrite is { } hold)
            await hold(path);
        var result = await call();
        if (_lost++ < LoseReplies)
        {
            if (BeforeLosing is not null)
                await BeforeLosing();
            throw new ConnectionLossException(path, "reply lost (test)");
        }

        return result;
    }
}
