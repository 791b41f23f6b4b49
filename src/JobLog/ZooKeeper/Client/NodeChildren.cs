namespace JobLog.ZooKeeper.Client;

/// <summary>A znode's child names (unsorted, as the server sends them) with its metadata.</summary>
public sealed record NodeChildren(IReadOnlyList<string> Children, Stat Stat);
