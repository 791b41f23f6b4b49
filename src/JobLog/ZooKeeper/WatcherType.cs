namespace JobLog.ZooKeeper;

/// <summary>Which watches <c>removeWatches</c> removes; the values are the wire codes.</summary>
public enum WatcherType
{
    Children = 1,
    Data = 2,
    Any = 3,
    Persistent = 4,
    PersistentRecursive = 5,
}
