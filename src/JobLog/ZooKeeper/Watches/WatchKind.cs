namespace JobLog.ZooKeeper.Watches;

/// <summary>The five watch lists of setWatches2, in wire order.</summary>
internal enum WatchKind
{
    Data,
    Exist,
    Child,
    Persistent,
    PersistentRecursive,
}
