using JobLog.ZooKeeper.Watches;

namespace JobLog.Testing.ZooKeeperModel;

/// <summary>
/// One of the server's two watch managers (data watches, child watches) with ZooKeeper 3.8's rules
/// (zookeeper-server/.../server/watch/WatchManager.java at release-3.8.0): watches belong to a connection, and a
/// connection has one mode per path, the last one set (3.8 keeps no set of modes: a one-shot watch set on a path with a
/// persistent watch replaces it). A trigger walks the path and its ancestors: at the path every watch fires and one-shot
/// watches are spent; at an ancestor only persistent recursive watches fire; recursive watches never fire
/// NodeChildrenChanged. Each connection gets at most one event per trigger.
/// </summary>
internal sealed class ServerWatchTable
{
    private readonly Dictionary<string, Dictionary<InMemoryZooKeeperClient, WatchMode>> _byPath = new(StringComparer.Ordinal);

    public void Add(string path, InMemoryZooKeeperClient connection, WatchMode mode)
    {
        if (!_byPath.TryGetValue(path, out var watchers))
            _byPath[path] = watchers = [];
        watchers[connection] = mode;
    }

    public bool Remove(string path, InMemoryZooKeeperClient connection)
    {
        if (!_byPath.TryGetValue(path, out var watchers) || !watchers.Remove(connection))
            return false;
        if (watchers.Count == 0)
            _byPath.Remove(path);
        return true;
    }

    /// <summary>A closed connection's watches go with it (the server's removeCnxn).</summary>
    public void RemoveAll(InMemoryZooKeeperClient connection)
    {
        foreach (var (path, watchers) in _byPath.ToList())
        {
            if (watchers.Remove(connection) && watchers.Count == 0)
                _byPath.Remove(path);
        }
    }

    /// <summary>Fires the watches <paramref name="type"/> at <paramref name="path"/> reaches, except for <paramref name="suppress"/>; returns every connection it reached.</summary>
    public HashSet<InMemoryZooKeeperClient> Trigger(string path, WatchEventType type, HashSet<InMemoryZooKeeperClient>? suppress = null)
    {
        var reached = new HashSet<InMemoryZooKeeperClient>();
        var notify = new List<InMemoryZooKeeperClient>();
        for (var local = path; ; local = ZooKeeperRules.ParentOf(local))
        {
            var atPath = local == path;
            if (_byPath.TryGetValue(local, out var watchers))
            {
                foreach (var (connection, mode) in watchers.ToList())
                {
                    if (mode == WatchMode.PersistentRecursive)
                    {
                        if (type == WatchEventType.NodeChildrenChanged)
                            continue;
                    }
                    else if (!atPath)
                    {
                        continue;
                    }
                    else if (mode == WatchMode.Standard)
                    {
                        watchers.Remove(connection);
                    }

                    if (reached.Add(connection))
                        notify.Add(connection);
                }

                if (watchers.Count == 0)
                    _byPath.Remove(local);
            }

            if (local == "/")
                break;
        }

        foreach (var connection in notify)
        {
            if (suppress is null || !suppress.Contains(connection))
                connection.Notify(type, path);
        }

        return reached;
    }
}
