namespace JobLog.ZooKeeper.Client;

/// <summary>Metadata of a znode as the server reports it (times in ms since the Unix epoch).</summary>
public sealed record Stat(
    long Czxid,
    long Mzxid,
    long Ctime,
    long Mtime,
    int Version,
    int Cversion,
    int Aversion,
    long EphemeralOwner,
    int DataLength,
    int NumChildren,
    long Pzxid);
