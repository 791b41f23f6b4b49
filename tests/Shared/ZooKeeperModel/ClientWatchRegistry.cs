using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Watches;

namespace JobLog.Testing.ZooKeeperModel;

/// <summary>
/// The watches a client believes the server holds for it, as <see cref="ZooKeeperClient"/> tracks them: added by the
/// reply that armed them, spent by the notification the client reads, re-armed after a reconnect.
/// </summary>
internal sealed class ClientWatchRegistry
{
    private readonly SortedSet<string>[] _sets =
    [
        new(StringComparer.Ordinal), new(StringComparer.Ordinal), new(StringComparer.Ordinal),
        new(StringComparer.Ordinal), new(StringComparer.Ordinal),
    ];

    public void Add(ClientWatchKind kind, string path) => _sets[(int)kind].Add(path);

    public void OnNotification(WatchEventType type, string path)
    {
        switch (type)
        {
            case WatchEventType.NodeCreated:
            case WatchEventType.NodeDataChanged:
                _sets[(int)ClientWatchKind.Data].Remove(path);
                _sets[(int)ClientWatchKind.Exist].Remove(path);
                break;
            case WatchEventType.NodeDeleted:
                _sets[(int)ClientWatchKind.Data].Remove(path);
                _sets[(int)ClientWatchKind.Exist].Remove(path);
                _sets[(int)ClientWatchKind.Child].Remove(path);
                break;
            case WatchEventType.NodeChildrenChanged:
                _sets[(int)ClientWatchKind.Child].Remove(path);
                break;
        }
    }

    /// <summary>Forgets what removeWatches removed and says which *WatchRemoved events the client makes for it.</summary>
    public List<WatchEventType> Remove(string path, WatcherType type)
    {
        var removed = new List<WatchEventType>(2);
        if (type is WatcherType.Data or WatcherType.Any)
        {
            var data = _sets[(int)ClientWatchKind.Data].Remove(path);
            var exist = _sets[(int)ClientWatchKind.Exist].Remove(path);
            if (data || exist)
                removed.Add(WatchEventType.DataWatchRemoved);
        }

        if (type is WatcherType.Children or WatcherType.Any && _sets[(int)ClientWatchKind.Child].Remove(path))
            removed.Add(WatchEventType.ChildWatchRemoved);

        if (type == WatcherType.Any)
        {
            var persistent = _sets[(int)ClientWatchKind.Persistent].Remove(path);
            var recursive = _sets[(int)ClientWatchKind.PersistentRecursive].Remove(path);
            if (persistent || recursive)
                removed.Add(WatchEventType.PersistentWatchRemoved);
        }

        return removed;
    }

    public IReadOnlyList<string> Paths(ClientWatchKind kind) => [.. _sets[(int)kind]];

    public void Clear()
    {
        foreach (var set in _sets)
            set.Clear();
    }
}
