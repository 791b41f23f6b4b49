namespace JobLog.ZooKeeper.Client;

/// <summary>The actual path of a created znode (with its sequence suffix if any) and its metadata.</summary>
public sealed record CreatedNode(string Path, Stat Stat);
