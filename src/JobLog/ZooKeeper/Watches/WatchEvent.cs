namespace JobLog.ZooKeeper.Watches;

/// <summary>A watch notification; <paramref name="Path"/> is relative to the client's chroot.</summary>
public sealed record WatchEvent(WatchEventType Type, string Path)
{
    /// <summary>For <see cref="WatchEventType.EventsDropped"/>, how many events this subscriber missed; otherwise 0.</summary>
    public int Dropped { get; init; }
}
