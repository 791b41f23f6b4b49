using JobLog.Node;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobLog.Cluster;

/// <summary>
/// This node's entry under nodes/: an ephemeral node named by the node id, gone with the session, holding the node's
/// URL, start time and how far it has applied the global sequence (published when it moved).
/// </summary>
public sealed partial class ClusterMembership(
    ClusterPaths paths, IOptions<NodeOptions> node, IOptions<ClusterOptions> options, TimeProvider clock, ILogger<ClusterMembership> logger)
{
    private readonly string _path = $"{paths.Nodes}/{node.Value.NodeId}";
    private readonly string? _url = options.Value.AdvertisedUrl;
    private readonly DateTimeOffset _startedAt = clock.GetUtcNow();
    private int _version = -1;
    private long _published = -1;

    /// <summary>
    /// Registers this node. A node of the same id left by an earlier session (a process killed before its session
    /// expired) is taken over at once instead of keeping the restarted node out of the members until it expires.
    /// </summary>
    public async Task JoinAsync(IZooKeeperClient session, long appliedSequence, CancellationToken cancellationToken)
    {
        var data = new MemberRecord(_url, _startedAt, appliedSequence).Encode();
        while (true)
        {
            try
            {
                var created = await session.Create2Async(_path, data, CreateMode.Ephemeral, null, null, cancellationToken);
                _version = created.Stat.Version;
                _published = appliedSequence;
                return;
            }
            catch (NodeExistsException)
            {
                if (await session.ExistsAsync(_path, false, cancellationToken) is not { } stat)
                    continue;
                if (stat.EphemeralOwner == session.SessionId)
                {
                    _version = stat.Version;
                    return;
                }
                LogTakingOver(logger, _path, stat.EphemeralOwner);
                try
                {
                    await session.DeleteAsync(_path, stat.Version, cancellationToken);
                }
                catch (Exception e) when (e is NoNodeException or BadVersionException)
                {
                    // Gone or changed meanwhile: look again.
                }
            }
        }
    }

    /// <summary>Publishes the applied position when it moved since the last time.</summary>
    public async Task PublishAsync(IZooKeeperClient session, long appliedSequence, CancellationToken cancellationToken)
    {
        if (_version < 0 || appliedSequence == Interlocked.Read(ref _published))
            return;
        var stat = await session.SetDataAsync(_path, new MemberRecord(_url, _startedAt, appliedSequence).Encode(), _version, cancellationToken);
        _version = stat.Version;
        Interlocked.Exchange(ref _published, appliedSequence);
    }

    /// <summary>The session ended and this node's entry with it.</summary>
    public void Forget()
    {
        _version = -1;
        Interlocked.Exchange(ref _published, -1);
    }

    /// <summary>Every registered node, by id.</summary>
    public async Task<IReadOnlyList<ClusterMember>> MembersAsync(IZooKeeperClient session, CancellationToken cancellationToken)
    {
        var names = (await session.GetChildrenAsync(paths.Nodes, false, cancellationToken)).Children.Order(StringComparer.Ordinal).ToList();
        var reads = names.Select(async name =>
        {
            try
            {
                var data = await session.GetDataAsync($"{paths.Nodes}/{name}", false, cancellationToken);
                var record = MemberRecord.TryDecode(data.Data);
                return new ClusterMember(name, record?.Url, record?.StartedAt, record?.AppliedSequence ?? 0);
            }
            catch (NoNodeException)
            {
                return null;
            }
        }).ToList();
        return (await Task.WhenAll(reads)).OfType<ClusterMember>().ToList();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path} is held by an earlier session {Owner:x} of this node id; taking it over")]
    private static partial void LogTakingOver(ILogger logger, string path, long owner);
}
