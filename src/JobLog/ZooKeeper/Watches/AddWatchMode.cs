namespace JobLog.ZooKeeper.Watches;

/// <summary>Mode of <c>addWatch</c>; the values are the wire codes.</summary>
public enum AddWatchMode
{
    /// <summary>Created, changed, deleted of the node itself and children changed; stays armed.</summary>
    Persistent = 0,

    /// <summary>Created, changed, deleted of the node and every descendant (never children changed); stays armed.</summary>
    PersistentRecursive = 1,
}
