using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using JobLog.ZooKeeper.Watches;

namespace JobLog.Testing.ClusterSim;

/// <summary>
/// A node's ZooKeeper session as the node's components see it, in a process that can die at any call: before each call
/// it asks <paramref name="diesBeforeCall"/>, and a dead process's call is never sent and never answered, so whatever
/// step made it stops right there, as with kill -9. A dead process does not close its session either (<paramref name="isDead"/>):
/// it lives on until ZooKeeper expires it.
/// </summary>
public sealed class DyingSession(IZooKeeperClient model, Func<bool> diesBeforeCall, Func<bool> isDead) : IZooKeeperClient
{
    public long SessionId => model.SessionId;

    public SessionState State => model.State;

    public IAsyncEnumerable<SessionState> SessionStates(CancellationToken cancellationToken) => model.SessionStates(cancellationToken);

    public IAsyncEnumerable<WatchEvent> WatchEvents(CancellationToken cancellationToken) => model.WatchEvents(cancellationToken);

    public Task<string> CreateAsync(string path, ReadOnlyMemory<byte> data, CreateMode mode, IReadOnlyList<Acl>? acl, CancellationToken cancellationToken) =>
        Call(() => model.CreateAsync(path, data, mode, acl, cancellationToken));

    public Task<CreatedNode> Create2Async(
        string path, ReadOnlyMemory<byte> data, CreateMode mode, IReadOnlyList<Acl>? acl, TimeSpan? ttl, CancellationToken cancellationToken) =>
        Call(() => model.Create2Async(path, data, mode, acl, ttl, cancellationToken));

    public Task DeleteAsync(string path, int version, CancellationToken cancellationToken) =>
        Call(async () =>
        {
            await model.DeleteAsync(path, version, cancellationToken);
            return true;
        });

    public Task<Stat?> ExistsAsync(string path, bool watch, CancellationToken cancellationToken) =>
        Call(() => model.ExistsAsync(path, watch, cancellationToken));

    public Task<NodeData> GetDataAsync(string path, bool watch, CancellationToken cancellationToken) =>
        Call(() => model.GetDataAsync(path, watch, cancellationToken));

    public Task<Stat> SetDataAsync(string path, ReadOnlyMemory<byte> data, int version, CancellationToken cancellationToken) =>
        Call(() => model.SetDataAsync(path, data, version, cancellationToken));

    public Task<NodeChildren> GetChildrenAsync(string path, bool watch, CancellationToken cancellationToken) =>
        Call(() => model.GetChildrenAsync(path, watch, cancellationToken));

    public Task<MultiResult> MultiAsync(IReadOnlyList<MultiOp> operations, CancellationToken cancellationToken) =>
        Call(() => model.MultiAsync(operations, cancellationToken));

    public Task SyncAsync(string path, CancellationToken cancellationToken) =>
        Call(async () =>
        {
            await model.SyncAsync(path, cancellationToken);
            return true;
        });

    public Task AddWatchAsync(string path, AddWatchMode mode, CancellationToken cancellationToken) =>
        Call(async () =>
        {
            await model.AddWatchAsync(path, mode, cancellationToken);
            return true;
        });

    public Task RemoveWatchesAsync(string path, WatcherType type, CancellationToken cancellationToken) =>
        Call(async () =>
        {
            await model.RemoveWatchesAsync(path, type, cancellationToken);
            return true;
        });

    public Task AddAuthAsync(string scheme, ReadOnlyMemory<byte> auth, CancellationToken cancellationToken) =>
        Call(async () =>
        {
            await model.AddAuthAsync(scheme, auth, cancellationToken);
            return true;
        });

    public ValueTask DisposeAsync() => isDead() ? ValueTask.CompletedTask : model.DisposeAsync();

    // A call of a dead process: never sent, never answered.
    private Task<T> Call<T>(Func<Task<T>> call) => diesBeforeCall() ? new TaskCompletionSource<T>().Task : call();
}
