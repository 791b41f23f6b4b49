namespace JobLog.Node;

/// <summary>Where events reach a node's schedule from.</summary>
public enum FeedSource
{
    /// <summary>This node's own write, folded before the client hears back.</summary>
    Write,

    /// <summary>The store's global feed and the repairs read from the store.</summary>
    Store,

    /// <summary>The ZooKeeper mirror's notifications.</summary>
    ZooKeeper,
}
