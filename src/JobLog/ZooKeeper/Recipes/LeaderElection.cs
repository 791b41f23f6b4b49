using System.Globalization;
using System.Text;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using JobLog.ZooKeeper.Watches;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace JobLog.ZooKeeper.Recipes;

/// <summary>
/// Leader election under a parent znode, the ZooKeeper recipe without the herd effect: each candidate holds one
/// ephemeral-sequential child <c>n_##########</c> whose data is its candidate id; the lowest sequence leads; every
/// other candidate watches only the child just before its own, so a departure wakes one candidate, not all of them.
/// </summary>
/// <remarks>
/// <para>Passive: it never starts a task, never sleeps and never reads <see cref="IZooKeeperClient.WatchEvents"/>
/// itself, so a test can drive it step by step. Its owner subscribes to the client's events and hands each one to
/// <see cref="HandleAsync"/> (events that are not the election's are ignored), tells it about session states through
/// <see cref="SessionStateChanged"/>, and calls <see cref="CheckAsync"/> after a reconnect. Every step returns an
/// <see cref="ElectionChange"/>, so the owner sees leadership start and stop where it happens.</para>
/// <para>The epoch is the sequence of the candidate's own node: ZooKeeper numbers the children of the parent in
/// creation order, so a candidate that joins later, and so any later leader, has a larger epoch, and the work of a
/// deposed leader can be fenced by it. The counter is the parent's 32-bit cversion: after 2^31 creates under one
/// parent it wraps negative and the order breaks, so give each election a parent of its own. A parent made again
/// starts counting at 0, so the view names the parent's incarnation too (<see cref="ElectionView.Incarnation"/>): its
/// czxid, and its ctime, since an ensemble rebuilt from an empty data directory numbers transactions from the start
/// again and may give the new parent the old one's czxid.</para>
/// <para>A disconnected session may have expired without the candidate being told, so <see cref="SessionStateChanged"/>
/// with Disconnected suspends leadership until a check on the reconnected session confirms it. An expired session's
/// node is gone: the candidate is out, and its owner joins again with a new <see cref="LeaderElection"/> on the client
/// of the new session (a client is bound to one session).</para>
/// <para>The predecessor is watched with getData rather than exists: an exists watch on a node that is already gone
/// stays armed on the server for good (sequential names never come back) and is re-armed on every reconnect; getData
/// on a missing node arms nothing. Both fire on the node's deletion.</para>
/// </remarks>
public sealed partial class LeaderElection
{
    /// <summary>The name prefix of election nodes; other children of the parent are ignored.</summary>
    public const string NodePrefix = "n_";

    private readonly IZooKeeperClient _client;
    private readonly ILogger _logger;
    private readonly byte[] _candidateData;
    private readonly SemaphoreSlim _steps = new(1, 1);
    private readonly Lock _gate = new();
    private ElectionView _view = ElectionView.Out;
    private string? _node;
    private string? _watched;
    private int _suspensions;
    private bool _sessionEnded;

    public LeaderElection(IZooKeeperClient client, string parentPath, string candidateId, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(candidateId);
        _client = client;
        ParentPath = ZNodePaths.Validate(parentPath, nameof(parentPath));
        CandidateId = candidateId;
        _candidateData = Encoding.UTF8.GetBytes(candidateId);
        _logger = logger ?? NullLogger.Instance;
    }

    public string ParentPath { get; }

    public string CandidateId { get; }

    /// <summary>What the candidate knows now.</summary>
    public ElectionView View
    {
        get
        {
            lock (_gate)
                return _view;
        }
    }

    public bool IsLeader => View.IsLeader;

    /// <summary>The sequence of this candidate's election node; null while it has none.</summary>
    public long? Epoch => View.Epoch;

    /// <summary>The leader as of this candidate's last check (see <see cref="ElectionView"/>).</summary>
    public ElectedLeader? Leader => View.Leader;

    /// <summary>The path of this candidate's election node; null while it has none.</summary>
    public string? NodePath
    {
        get
        {
            lock (_gate)
                return _node is null ? null : ZNodePaths.Child(ParentPath, _node);
        }
    }

    /// <summary>The election node this candidate watches (its immediate predecessor), or null when it watches none.</summary>
    public string? WatchedPath
    {
        get
        {
            lock (_gate)
                return _watched;
        }
    }

    /// <summary>
    /// Becomes a candidate and finds its place. Joining again is harmless: a node of this candidate on this session
    /// (one whose create reply was lost with the connection, for instance) is taken up rather than doubled, so after a
    /// <see cref="ConnectionLossException"/> the owner simply calls this again.
    /// </summary>
    public async Task<ElectionChange> JoinAsync(CancellationToken cancellationToken)
    {
        await _steps.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var before = View;
            var node = NodePath is null
                ? await FindOwnNodeAsync(cancellationToken).ConfigureAwait(false) ?? await CreateNodeAsync(cancellationToken).ConfigureAwait(false)
                : null;
            lock (_gate)
            {
                // A node made on a session that has since ended went with it.
                if (node is not null && !_sessionEnded)
                    _node = node;
            }

            return await EvaluateAsync(before, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _steps.Release();
        }
    }

    /// <summary>Re-evaluates the candidate's place from the children of the parent and re-arms its watch.</summary>
    public async Task<ElectionChange> CheckAsync(CancellationToken cancellationToken)
    {
        await _steps.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await EvaluateAsync(View, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _steps.Release();
        }
    }

    /// <summary>
    /// Handles one event of the client's watch stream: the predecessor's node changed or went (or events about it were
    /// dropped), so the candidate checks again. Any other event changes nothing.
    /// </summary>
    public Task<ElectionChange> HandleAsync(WatchEvent watchEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(watchEvent);
        var watched = WatchedPath;
        var concerned = watched is not null && (watchEvent.Type == WatchEventType.EventsDropped
            ? ZNodePaths.IsAtOrBelow(watched, watchEvent.Path)
            : watchEvent.Path == watched);
        if (!concerned)
        {
            var view = View;
            return Task.FromResult(new ElectionChange(view, view));
        }

        return CheckAsync(cancellationToken);
    }

    /// <summary>
    /// Tells the election what the session did. Disconnected: leadership is in doubt, so the candidate stops leading
    /// until a <see cref="CheckAsync"/> on the reconnected session confirms it. Expired, Closed, AuthFailed: the
    /// session and its node are gone; the candidate is out. Connected changes nothing by itself: call
    /// <see cref="CheckAsync"/>.
    /// </summary>
    public ElectionChange SessionStateChanged(SessionState state)
    {
        ElectionChange change;
        lock (_gate)
        {
            var before = _view;
            switch (state)
            {
                case SessionState.Disconnected when _node is not null:
                    _suspensions++;
                    _view = _view with { Role = ElectionRole.Suspended };
                    break;
                case SessionState.Expired or SessionState.Closed or SessionState.AuthFailed:
                    _sessionEnded = true;
                    _node = null;
                    _watched = null;
                    _view = _view with { Role = ElectionRole.Out, Epoch = null, Incarnation = null };
                    break;
            }

            change = new ElectionChange(before, _view);
        }

        Report(change, $"session {state}");
        return change;
    }

    /// <summary>Stops being a candidate: deletes its node, so its successor is told and takes its place.</summary>
    public async Task<ElectionChange> LeaveAsync(CancellationToken cancellationToken)
    {
        await _steps.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var before = View;
            if (NodePath is { } path)
            {
                try
                {
                    await _client.DeleteAsync(path, -1, cancellationToken).ConfigureAwait(false);
                }
                catch (NoNodeException)
                {
                }
            }

            ElectionChange change;
            lock (_gate)
            {
                _node = null;
                _watched = null;
                _view = _view with { Role = ElectionRole.Out, Epoch = null, Incarnation = null };
                change = new ElectionChange(before, _view);
            }

            Report(change, "left the election");
            return change;
        }
        finally
        {
            _steps.Release();
        }
    }

    /// <summary>Reads who leads now (the lowest election node), without changing this candidate's state; null when nobody stands.</summary>
    public async Task<ElectedLeader?> ReadLeaderAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var (candidates, _) = await ListAsync(cancellationToken).ConfigureAwait(false);
            if (candidates.Count == 0)
                return null;
            if (await ReadCandidateAsync(candidates[0], cancellationToken).ConfigureAwait(false) is { } leader)
                return leader;
        }
    }

    private async Task<ElectionChange> EvaluateAsync(ElectionView before, CancellationToken cancellationToken)
    {
        string? node;
        int suspensions;
        lock (_gate)
        {
            node = _node;
            suspensions = _suspensions;
        }

        if (node is null)
            return new ElectionChange(before, View);

        var ownSequence = SequenceOf(node)!.Value;
        ElectionRole role;
        ElectedLeader? leader;
        string? watched = null;
        string? incarnation;
        while (true)
        {
            (var candidates, incarnation) = await ListAsync(cancellationToken).ConfigureAwait(false);
            var own = candidates.FindIndex(c => c.Name == node);
            if (own < 0)
            {
                // Our node is gone while the session lives (someone deleted it): we are out; the owner may join again.
                role = ElectionRole.Out;
                leader = candidates.Count == 0 ? null : await ReadCandidateAsync(candidates[0], cancellationToken).ConfigureAwait(false);
                if (candidates.Count > 0 && leader is null)
                    continue;
                break;
            }

            if (own == 0)
            {
                role = ElectionRole.Leader;
                leader = new ElectedLeader(CandidateId, ownSequence);
                break;
            }

            // Watch the immediate predecessor only; if it is gone already, the next one up may be gone too: list again.
            var predecessor = candidates[own - 1];
            var predecessorPath = ZNodePaths.Child(ParentPath, predecessor.Name);
            NodeData predecessorData;
            try
            {
                predecessorData = await _client.GetDataAsync(predecessorPath, watch: true, cancellationToken).ConfigureAwait(false);
            }
            catch (NoNodeException)
            {
                continue;
            }

            leader = own == 1
                ? new ElectedLeader(Encoding.UTF8.GetString(predecessorData.Data), predecessor.Sequence)
                : await ReadCandidateAsync(candidates[0], cancellationToken).ConfigureAwait(false);
            if (leader is null)
                continue;
            role = ElectionRole.Follower;
            watched = predecessorPath;
            break;
        }

        ElectionChange change;
        lock (_gate)
        {
            if (_suspensions == suspensions && _node == node)
            {
                if (role == ElectionRole.Out)
                    _node = null;
                _watched = watched;
                _view = role == ElectionRole.Out
                    ? new ElectionView(role, null, leader)
                    : new ElectionView(role, ownSequence, leader, incarnation);
            }
            else
            {
                // The session was suspended or ended while we read: what we read may predate that, so that role stands.
                _view = _view with { Leader = leader };
            }

            change = new ElectionChange(before, _view);
        }

        Report(change, role == ElectionRole.Out ? "its election node is gone" : "checked");
        return change;
    }

    /// <summary>
    /// The election children of the parent, lowest sequence first, with the parent's incarnation (read in the same reply,
    /// so it is the parent those children belong to); none and null when the parent does not exist.
    /// </summary>
    private async Task<(List<(string Name, long Sequence)> Candidates, string? Incarnation)> ListAsync(CancellationToken cancellationToken)
    {
        NodeChildren children;
        try
        {
            children = await _client.GetChildrenAsync(ParentPath, watch: false, cancellationToken).ConfigureAwait(false);
        }
        catch (NoNodeException)
        {
            return ([], null);
        }

        var candidates = new List<(string Name, long Sequence)>(children.Children.Count);
        foreach (var name in children.Children)
        {
            if (SequenceOf(name) is { } sequence)
                candidates.Add((name, sequence));
        }

        candidates.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return (candidates, IncarnationOf(children.Stat));
    }

    /// <summary>A parent znode's identity: its czxid and ctime (ms since the Unix epoch), in hex.</summary>
    public static string IncarnationOf(Stat parent) =>
        string.Create(CultureInfo.InvariantCulture, $"{parent.Czxid:x}-{parent.Ctime:x}");

    /// <summary>The candidate behind an election node, or null when the node went before it could be read.</summary>
    private async Task<ElectedLeader?> ReadCandidateAsync((string Name, long Sequence) candidate, CancellationToken cancellationToken)
    {
        try
        {
            var data = await _client.GetDataAsync(ZNodePaths.Child(ParentPath, candidate.Name), watch: false, cancellationToken).ConfigureAwait(false);
            return new ElectedLeader(Encoding.UTF8.GetString(data.Data), candidate.Sequence);
        }
        catch (NoNodeException)
        {
            return null;
        }
    }

    /// <summary>
    /// A node this candidate already holds on this session: an earlier join whose reply was lost, or a join by an
    /// earlier instance. The lowest is kept; any other is deleted, so the candidate never stands twice.
    /// </summary>
    private async Task<string?> FindOwnNodeAsync(CancellationToken cancellationToken)
    {
        var (candidates, _) = await ListAsync(cancellationToken).ConfigureAwait(false);
        var sessionId = _client.SessionId;
        var reads = candidates.Select(async c =>
        {
            try
            {
                var data = await _client.GetDataAsync(ZNodePaths.Child(ParentPath, c.Name), watch: false, cancellationToken).ConfigureAwait(false);
                return data.Stat.EphemeralOwner == sessionId && data.Data.AsSpan().SequenceEqual(_candidateData) ? c.Name : null;
            }
            catch (NoNodeException)
            {
                return null;
            }
        });
        var own = (await Task.WhenAll(reads).ConfigureAwait(false)).OfType<string>().ToList();
        foreach (var extra in own.Skip(1))
        {
            try
            {
                await _client.DeleteAsync(ZNodePaths.Child(ParentPath, extra), -1, cancellationToken).ConfigureAwait(false);
            }
            catch (NoNodeException)
            {
            }
        }

        return own.FirstOrDefault();
    }

    private async Task<string> CreateNodeAsync(CancellationToken cancellationToken)
    {
        var prefix = ZNodePaths.Child(ParentPath, NodePrefix);
        CreatedNode created;
        try
        {
            created = await _client.Create2Async(prefix, _candidateData, CreateMode.EphemeralSequential, null, null, cancellationToken).ConfigureAwait(false);
        }
        catch (NoNodeException)
        {
            await ZNodePaths.EnsureAsync(_client, ParentPath, cancellationToken).ConfigureAwait(false);
            created = await _client.Create2Async(prefix, _candidateData, CreateMode.EphemeralSequential, null, null, cancellationToken).ConfigureAwait(false);
        }

        var name = ZNodePaths.Name(created.Path);
        LogJoined(_logger, CandidateId, ParentPath, name);
        return name;
    }

    private static long? SequenceOf(string name) =>
        name.StartsWith(NodePrefix, StringComparison.Ordinal)
        && long.TryParse(name.AsSpan(NodePrefix.Length), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var sequence)
            ? sequence
            : null;

    private void Report(ElectionChange change, string reason)
    {
        if (change.BecameLeader)
            LogLeading(_logger, CandidateId, ParentPath, change.After.Epoch ?? 0);
        else if (change.StoppedLeading)
            LogStoppedLeading(_logger, CandidateId, ParentPath, change.Before.Epoch ?? 0, reason);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Candidate {CandidateId} joined the election under {ParentPath} as {Node}")]
    private static partial void LogJoined(ILogger logger, string candidateId, string parentPath, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Candidate {CandidateId} leads under {ParentPath} with epoch {Epoch}")]
    private static partial void LogLeading(ILogger logger, string candidateId, string parentPath, long epoch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Candidate {CandidateId} stopped leading under {ParentPath} (epoch {Epoch}): {Reason}")]
    private static partial void LogStoppedLeading(ILogger logger, string candidateId, string parentPath, long epoch, string reason);
}
