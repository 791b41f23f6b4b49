namespace JobLog.ZooKeeper.Watches;

/// <summary>
/// What happened to a watched znode; the values are the wire codes. The *WatchRemoved kinds and
/// <see cref="EventsDropped"/> are made by the client.
/// </summary>
public enum WatchEventType
{
    NodeCreated = 1,
    NodeDeleted = 2,
    NodeDataChanged = 3,
    NodeChildrenChanged = 4,
    DataWatchRemoved = 5,
    ChildWatchRemoved = 6,
    PersistentWatchRemoved = 7,

    /// <summary>
    /// This subscriber's buffer was full, so <see cref="WatchEvent.Dropped"/> events were dropped right here, between
    /// the event before this one and the event after it. Every dropped event concerned <see cref="WatchEvent.Path"/> or
    /// a node below it, and what they reported has happened by the time this arrives: read the current state again
    /// (one-shot watches they fired are spent; re-arm them). Not a wire code.
    /// </summary>
    EventsDropped = 100,
}
