namespace JobLog.ZooKeeper.Watches;

/// <summary>
/// The watches the server holds for this session, tracked so a new connection can re-arm them with setWatches2.
/// Updated only from the reader task (replies and notifications) and from removeWatches replies, under one lock.
/// </summary>
internal sealed class WatchRegistry
{
    private readonly Lock _gate = new();
    private readonly HashSet<string>[] _sets =
    [
        new(StringComparer.Ordinal), new(StringComparer.Ordinal), new(StringComparer.Ordinal),
        new(StringComparer.Ordinal), new(StringComparer.Ordinal),
    ];

    public void Add(WatchKind kind, string path)
    {
        lock (_gate)
            _sets[(int)kind].Add(path);
    }

    public bool Contains(WatchKind kind, string path)
    {
        lock (_gate)
            return _sets[(int)kind].Contains(path);
    }

    /// <summary>One-shot watches are spent by the event that fires them; persistent ones stay.</summary>
    public void OnNotification(WatchEventType type, string path)
    {
        lock (_gate)
        {
            switch (type)
            {
                case WatchEventType.NodeCreated:
                case WatchEventType.NodeDataChanged:
                    _sets[(int)WatchKind.Data].Remove(path);
                    _sets[(int)WatchKind.Exist].Remove(path);
                    break;
                case WatchEventType.NodeDeleted:
                    _sets[(int)WatchKind.Data].Remove(path);
                    _sets[(int)WatchKind.Exist].Remove(path);
                    _sets[(int)WatchKind.Child].Remove(path);
                    break;
                case WatchEventType.NodeChildrenChanged:
                    _sets[(int)WatchKind.Child].Remove(path);
                    break;
            }
        }
    }

    /// <summary>Forgets the watches removeWatches removed and says which *WatchRemoved events to invent for them.</summary>
    public IReadOnlyList<WatchEventType> Remove(string path, WatcherType type)
    {
        var removed = new List<WatchEventType>(2);
        lock (_gate)
        {
            if (type is WatcherType.Data or WatcherType.Any)
            {
                var data = _sets[(int)WatchKind.Data].Remove(path);
                var exist = _sets[(int)WatchKind.Exist].Remove(path);
                if (data || exist)
                    removed.Add(WatchEventType.DataWatchRemoved);
            }

            if (type is WatcherType.Children or WatcherType.Any && _sets[(int)WatchKind.Child].Remove(path))
                removed.Add(WatchEventType.ChildWatchRemoved);

            if (type == WatcherType.Any)
            {
                var persistent = _sets[(int)WatchKind.Persistent].Remove(path);
                var recursive = _sets[(int)WatchKind.PersistentRecursive].Remove(path);
                if (persistent || recursive)
                    removed.Add(WatchEventType.PersistentWatchRemoved);
            }
        }

        return removed;
    }

    public bool IsEmpty
    {
        get
        {
            lock (_gate)
                return _sets.All(s => s.Count == 0);
        }
    }

    /// <summary>A copy of the five lists in setWatches2 order.</summary>
    public string[][] Snapshot()
    {
        lock (_gate)
            return _sets.Select(s => s.ToArray()).ToArray();
    }

    public void Clear()
    {
        lock (_gate)
        {
            foreach (var set in _sets)
                set.Clear();
        }
    }
}
