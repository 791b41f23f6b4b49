namespace JobLog.ZooKeeper.Client;

/// <summary>A znode's data with its metadata.</summary>
public sealed record NodeData(byte[] Data, Stat Stat);
