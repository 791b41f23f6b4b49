namespace JobLog.ZooKeeper;

/// <summary>A watch notification; <paramref name="Path"/> is relative to the client's chroot.</summary>
public sealed record WatchEvent(WatchEventType Type, string Path);
