using JobLog.ZooKeeper.Client;

namespace JobLog.Testing.ZooKeeperModel;

/// <summary>One znode of the model's tree: data, the persisted stat fields and child names.</summary>
internal sealed class ZNode
{
    public byte[] Data { get; set; } = [];

    public long Czxid { get; init; }

    public long Mzxid { get; set; }

    public long Ctime { get; init; }

    public long Mtime { get; set; }

    public int Version { get; set; }

    /// <summary>As the server persists it: the number of children ever created, which names sequential children.</summary>
    public int Cversion { get; set; }

    public int Aversion { get; init; }

    public long EphemeralOwner { get; init; }

    public long Pzxid { get; set; }

    public SortedSet<string> Children { get; private init; } = new(StringComparer.Ordinal);

    /// <summary>A session's ephemeral, the only kind that refuses children (containers and TTL nodes take them).</summary>
    public bool IsSessionEphemeral => EphemeralOwner != 0 && EphemeralOwner != InMemoryZooKeeper.ContainerOwner
        && (EphemeralOwner & InMemoryZooKeeper.TtlOwnerMask) != InMemoryZooKeeper.TtlOwnerMask;

    /// <summary>
    /// The stat as the server reports it (DataNode.copyStat): cversion counts child creates and deletes, taken as twice the
    /// creates less the children still there; containers and TTL nodes report no owner.
    /// </summary>
    public Stat Stat() => new(
        Czxid, Mzxid, Ctime, Mtime, Version, unchecked((Cversion * 2) - Children.Count), Aversion,
        IsSessionEphemeral ? EphemeralOwner : 0, Data.Length, Children.Count, Pzxid);

    public ZNode Clone() => new()
    {
        Data = Data,
        Czxid = Czxid,
        Mzxid = Mzxid,
        Ctime = Ctime,
        Mtime = Mtime,
        Version = Version,
        Cversion = Cversion,
        Aversion = Aversion,
        EphemeralOwner = EphemeralOwner,
        Pzxid = Pzxid,
        Children = new SortedSet<string>(Children, StringComparer.Ordinal),
    };
}
