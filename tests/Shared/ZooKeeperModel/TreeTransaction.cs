using System.Net;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using JobLog.ZooKeeper.Watches;

namespace JobLog.Testing.ZooKeeperModel;

/// <summary>
/// One write transaction on the model's tree (a single operation, a multi, or a session's close): every operation sees
/// the ones before it, and <see cref="Rollback"/> undoes them all. Checks come in the server's order
/// (PrepRequestProcessor at release-3.8.0), so the first failing check decides the result code.
/// </summary>
internal sealed class TreeTransaction(Dictionary<string, ZNode> nodes, long zxid, long time)
{
    private static readonly HashSet<string> SpecialPaths = new(StringComparer.Ordinal) { "/", "/zookeeper", "/zookeeper/quota", "/zookeeper/config" };

    private readonly Dictionary<string, ZNode?> _before = new(StringComparer.Ordinal);
    private readonly List<(WatchEventType Change, string Path)> _changes = [];

    public long Zxid => zxid;

    /// <summary>What happened, in order, for the watches to fire once the transaction commits.</summary>
    public IReadOnlyList<(WatchEventType Change, string Path)> Changes => _changes;

    public (string Path, Stat Stat) Create(ModelSession session, string path, ReadOnlyMemory<byte> data, CreateMode mode, IReadOnlyList<Acl> acl, TimeSpan? ttl)
    {
        var owner = mode switch
        {
            CreateMode.Ephemeral or CreateMode.EphemeralSequential => session.Id,
            CreateMode.Container => InMemoryZooKeeper.ContainerOwner,
            CreateMode.PersistentWithTtl or CreateMode.PersistentSequentialWithTtl => TtlOwner(ttl!.Value),
            _ => 0,
        };
        CheckAcl(session, acl);
        var parentPath = ZooKeeperRules.ParentOf(path);
        var parent = Get(parentPath) ?? throw new ServerError(ErrorCode.NoNode);
        if (ZooKeeperRules.IsSequential(mode))
            path += ZooKeeperRules.SequenceSuffix(parent.Cversion);
        if (Get(path) is not null)
            throw new ServerError(ErrorCode.NodeExists);
        if (parent.IsSessionEphemeral)
            throw new ServerError(ErrorCode.NoChildrenForEphemerals);

        parent = Touch(parentPath)!;
        parent.Cversion++;
        parent.Pzxid = zxid;
        parent.Children.Add(ZooKeeperRules.NameOf(path));
        Touch(path);
        var node = new ZNode
        {
            Data = data.ToArray(),
            Czxid = zxid,
            Mzxid = zxid,
            Pzxid = zxid,
            Ctime = time,
            Mtime = time,
            EphemeralOwner = owner,
        };
        nodes[path] = node;
        _changes.Add((WatchEventType.NodeCreated, path));
        return (path, node.Stat());
    }

    public void Delete(string path, int version)
    {
        if (SpecialPaths.Contains(path))
            throw new ServerError(ErrorCode.BadArguments);
        _ = Get(ZooKeeperRules.ParentOf(path)) ?? throw new ServerError(ErrorCode.NoNode);
        var node = Get(path) ?? throw new ServerError(ErrorCode.NoNode);
        if (version != -1 && version != node.Version)
            throw new ServerError(ErrorCode.BadVersion);
        if (node.Children.Count > 0)
            throw new ServerError(ErrorCode.NotEmpty);
        Remove(path);
    }

    /// <summary>A dead session's ephemeral: no version check, and it cannot have children.</summary>
    public void DeleteEphemeral(string path) => Remove(path);

    public Stat SetData(string path, ReadOnlyMemory<byte> data, int version)
    {
        var node = Get(path) ?? throw new ServerError(ErrorCode.NoNode);
        if (version != -1 && version != node.Version)
            throw new ServerError(ErrorCode.BadVersion);
        node = Touch(path)!;
        node.Data = data.ToArray();
        node.Version++;
        node.Mzxid = zxid;
        node.Mtime = time;
        _changes.Add((WatchEventType.NodeDataChanged, path));
        return node.Stat();
    }

    public void Check(string path, int version)
    {
        var node = Get(path) ?? throw new ServerError(ErrorCode.NoNode);
        if (version != -1 && version != node.Version)
            throw new ServerError(ErrorCode.BadVersion);
    }

    public void Rollback()
    {
        foreach (var (path, before) in _before)
        {
            if (before is null)
                nodes.Remove(path);
            else
                nodes[path] = before;
        }

        _before.Clear();
        _changes.Clear();
    }

    private ZNode? Get(string path) => nodes.GetValueOrDefault(path);

    private void Remove(string path)
    {
        var parentPath = ZooKeeperRules.ParentOf(path);
        var parent = Touch(parentPath)!;
        parent.Children.Remove(ZooKeeperRules.NameOf(path));
        // A delete moves the parent's pzxid but not its cversion: sequence numbers are never given out twice.
        parent.Pzxid = zxid;
        Touch(path);
        nodes.Remove(path);
        _changes.Add((WatchEventType.NodeDeleted, path));
    }

    /// <summary>Keeps the node's state before its first change in this transaction, and returns the node to change.</summary>
    private ZNode? Touch(string path)
    {
        var current = Get(path);
        if (_before.ContainsKey(path))
            return current;
        _before[path] = current;
        if (current is null)
            return null;
        // The kept copy goes back into the tree on rollback; the live one is changed in place.
        _before[path] = current.Clone();
        return current;
    }

    private static long TtlOwner(TimeSpan ttl)
    {
        var milliseconds = (long)ttl.TotalMilliseconds;
        if (milliseconds <= 0 || milliseconds > InMemoryZooKeeper.MaxTtlMilliseconds)
            throw new ServerError(ErrorCode.BadArguments);
        return InMemoryZooKeeper.TtlOwnerMask | milliseconds;
    }

    /// <summary>The server's fixupACL: a create's ACL must be non-empty and name identities the server can check.</summary>
    private static void CheckAcl(ModelSession session, IReadOnlyList<Acl> acl)
    {
        if (acl.Count == 0)
            throw new ServerError(ErrorCode.InvalidAcl);
        foreach (var entry in acl)
        {
            var valid = entry.Scheme switch
            {
                "world" => entry.Id == "anyone",
                "auth" => session.AuthenticatedIds.Count > 0,
                "digest" => JavaSplitCount(entry.Id, ':') == 2,
                "ip" => IsIpPattern(entry.Id),
                _ => false,
            };
            if (!valid)
                throw new ServerError(ErrorCode.InvalidAcl);
        }
    }

    /// <summary>How many parts Java's String.split gives: trailing empty parts are dropped.</summary>
    private static int JavaSplitCount(string text, char separator)
    {
        var parts = text.Split(separator);
        var count = parts.Length;
        while (count > 0 && parts[count - 1].Length == 0)
            count--;
        return count;
    }

    private static bool IsIpPattern(string id)
    {
        var slash = id.IndexOf('/', StringComparison.Ordinal);
        var address = slash < 0 ? id : id[..slash];
        return IPAddress.TryParse(address, out _) && (slash < 0 || int.TryParse(id[(slash + 1)..], out _));
    }
}
