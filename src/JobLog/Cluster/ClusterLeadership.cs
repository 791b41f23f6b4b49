using System.Globalization;
using System.Text;
using JobLog.Node;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using JobLog.ZooKeeper.Watches;
using Microsoft.Extensions.Options;

namespace JobLog.Cluster;

/// <summary>
/// This node's part in the leader election under leader/: an ephemeral-sequential node per candidate, the lowest leads,
/// every other candidate watches only the one just below it. The epoch is the sequence number of the leader's own
/// election node, so a later leader always has a larger one and later work can fence a deposed leader.
/// </summary>
public sealed class ClusterLeadership(ClusterPaths paths, IOptions<NodeOptions> node)
{
    private const string Prefix = "n_";

    private readonly byte[] _nodeId = Encoding.UTF8.GetBytes(node.Value.NodeId);
    private string? _ownName;
    private string? _watching;
    private long _epoch;
    private volatile bool _isLeader;

    /// <summary>True while this node's election node is the lowest and its session connected, as last checked.</summary>
    public bool IsLeader => _isLeader;

    /// <summary>The sequence number of this node's election node (0 before it joined).</summary>
    public long Epoch => Interlocked.Read(ref _epoch);

    /// <summary>Enters the election with the session's own ephemeral node.</summary>
    public async Task JoinAsync(IZooKeeperClient session, CancellationToken cancellationToken)
    {
        var path = await session.CreateAsync($"{paths.Leader}/{Prefix}", _nodeId, CreateMode.EphemeralSequential, null, cancellationToken);
        _ownName = path[(paths.Leader.Length + 1)..];
        Interlocked.Exchange(ref _epoch, SequenceOf(_ownName));
        await CheckAsync(session, cancellationToken);
    }

    /// <summary>Looks at the candidates again: leads when this node's is the lowest, else watches the one just below. True when that changed.</summary>
    public async Task<bool> CheckAsync(IZooKeeperClient session, CancellationToken cancellationToken)
    {
        var was = _isLeader;
        while (_ownName is { } own)
        {
            var candidates = await CandidatesAsync(session, cancellationToken);
            var index = candidates.IndexOf(own);
            if (index < 0)
            {
                // The session that owned it is gone; a new session joins again.
                _isLeader = false;
                break;
            }
            if (index == 0)
            {
                _watching = null;
                _isLeader = true;
                break;
            }
            _isLeader = false;
            var predecessor = $"{paths.Leader}/{candidates[index - 1]}";
            if (await session.ExistsAsync(predecessor, true, cancellationToken) is not null)
            {
                _watching = predecessor;
                break;
            }
        }
        return was != _isLeader;
    }

    /// <summary>Re-checks when the candidate this node watches goes. True when leadership changed.</summary>
    public Task<bool> HandleAsync(IZooKeeperClient session, WatchEvent watchEvent, CancellationToken cancellationToken) =>
        watchEvent.Type == WatchEventType.NodeDeleted && watchEvent.Path == _watching
            ? CheckAsync(session, cancellationToken)
            : Task.FromResult(false);

    /// <summary>The connection or session is lost: this node cannot know whether it still leads, so it does not.</summary>
    public void Suspend() => _isLeader = false;

    /// <summary>Forgets this node's election node (its session ended); <see cref="JoinAsync"/> enters again.</summary>
    public void Forget()
    {
        _isLeader = false;
        _ownName = null;
        _watching = null;
    }

    /// <summary>The current leader as ZooKeeper shows it: the lowest candidate's node id and sequence number.</summary>
    public async Task<LeaderInfo?> CurrentLeaderAsync(IZooKeeperClient session, CancellationToken cancellationToken)
    {
        foreach (var name in await CandidatesAsync(session, cancellationToken))
        {
            try
            {
                var data = await session.GetDataAsync($"{paths.Leader}/{name}", false, cancellationToken);
                return new LeaderInfo(Encoding.UTF8.GetString(data.Data), SequenceOf(name));
            }
            catch (NoNodeException)
            {
                // That candidate just went; the next one up leads.
            }
        }
        return null;
    }

    private async Task<List<string>> CandidatesAsync(IZooKeeperClient session, CancellationToken cancellationToken) =>
        (await session.GetChildrenAsync(paths.Leader, false, cancellationToken)).Children
            .Where(name => name.StartsWith(Prefix, StringComparison.Ordinal))
            .OrderBy(SequenceOf)
            .ToList();

    private static long SequenceOf(string name) =>
        long.TryParse(name.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) ? sequence : long.MaxValue;
}
