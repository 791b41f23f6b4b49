namespace JobLog.Testing.ZooKeeperModel;

/// <summary>The five watch lists a client re-arms with setWatches2, in wire order.</summary>
internal enum ClientWatchKind
{
    Data,
    Exist,
    Child,
    Persistent,
    PersistentRecursive,
}
