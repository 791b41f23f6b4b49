namespace JobLog.ZooKeeper;

/// <summary>What happened to a watched znode; the values are the wire codes. The *WatchRemoved kinds are made by the client.</summary>
public enum WatchEventType
{
    NodeCreated = 1,
    NodeDeleted = 2,
    NodeDataChanged = 3,
    NodeChildrenChanged = 4,
    DataWatchRemoved = 5,
    ChildWatchRemoved = 6,
    PersistentWatchRemoved = 7,
}
