namespace JobLog.Testing.ZooKeeperModel;

/// <summary>The server's watcher modes (WatcherMode): one-shot, persistent, persistent recursive.</summary>
internal enum WatchMode
{
    Standard,
    Persistent,
    PersistentRecursive,
}
