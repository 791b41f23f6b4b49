using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using JobLog.ZooKeeper.Watches;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace JobLog.ZooKeeper.Recipes;

/// <summary>
/// Group membership under a parent znode: each member holds one ephemeral child named by its member id, with data
/// of its own that it updates with version-checked writes; the group is the parent's children.
/// </summary>
/// <remarks>
/// <para>Passive, like <see cref="LeaderElection"/>: no task, no sleep, no watch stream of its own. The owner hands
/// it the client's watch events (<see cref="HandleAsync"/>) and session states (<see cref="SessionStateChanged"/>),
/// and calls <see cref="CheckAsync"/> after a reconnect; each step returns a <see cref="MembershipChange"/>.</para>
/// <para>A member id already held by another session's node (the same member before a crash, whose session the server
/// has not expired yet) is waited for, not taken over: <see cref="JoinAsync"/> returns
/// <see cref="MembershipStatus.Waiting"/> with a watch on that node, and the member joins on the event of its deletion.
/// Taking it over would mean deleting an ephemeral node of a session that may still live: the member cannot tell a
/// crashed process from a second live one started with the same id, and two live ones would delete each other's node
/// in turn, each believing it is the member. Waiting costs at most the session timeout, during which the group still
/// lists the id (truthfully: a process of that member is up again), and a duplicate id shows as a member that stays
/// <see cref="MembershipStatus.Waiting"/>, logged with the session that holds the id.</para>
/// </remarks>
public sealed partial class GroupMembership
{
    // A node that vanishes between our create and our read this many times running is being fought over.
    private const int MaxJoinRounds = 10;

    private readonly IZooKeeperClient _client;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _steps = new(1, 1);
    private readonly Lock _gate = new();
    private MembershipStatus _status = MembershipStatus.Out;
    private string? _memberId;
    private byte[] _data = [];
    private int? _version;
    private long _waitingFor;
    private bool _membersWatched;
    private bool _sessionEnded;

    public GroupMembership(IZooKeeperClient client, string parentPath, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        ParentPath = ZNodePaths.Validate(parentPath, nameof(parentPath));
        _logger = logger ?? NullLogger.Instance;
    }

    public string ParentPath { get; }

    public MembershipStatus Status
    {
        get
        {
            lock (_gate)
                return _status;
        }
    }

    /// <summary>The id this member joined with; null before <see cref="JoinAsync"/>.</summary>
    public string? MemberId
    {
        get
        {
            lock (_gate)
                return _memberId;
        }
    }

    /// <summary>While <see cref="MembershipStatus.Waiting"/>: the session that holds this member's id; otherwise null.</summary>
    public long? WaitingFor
    {
        get
        {
            lock (_gate)
                return _status == MembershipStatus.Waiting ? _waitingFor : null;
        }
    }

    private string? NodePath => MemberId is { } id ? ZNodePaths.Child(ParentPath, id) : null;

    /// <summary>
    /// Joins as <paramref name="memberId"/> with <paramref name="data"/>: <see cref="MembershipStatus.Joined"/>, or
    /// <see cref="MembershipStatus.Waiting"/> when another session still holds the id (see the remarks). Joining again
    /// is harmless: a node of this session with this id (a create whose reply was lost) is taken up and given the data.
    /// </summary>
    /// <exception cref="ArgumentException">The id is not a node name.</exception>
    /// <exception cref="InvalidOperationException">This instance is a member under another id, or the id is held by a persistent node.</exception>
    public async Task<MembershipChange> JoinAsync(string memberId, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(memberId);
        if (memberId.Contains('/', StringComparison.Ordinal))
            throw new ArgumentException($"Member id '{memberId}' must be a single node name, without '/'.", nameof(memberId));
        ZNodePaths.Validate(ZNodePaths.Child(ParentPath, memberId), nameof(memberId));

        await _steps.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var before = Status;
            lock (_gate)
            {
                if (_status != MembershipStatus.Out && _memberId != memberId)
                    throw new InvalidOperationException($"This membership is member '{_memberId}' already; leave before joining as '{memberId}'.");
                _memberId = memberId;
                _data = data.ToArray();
            }

            return await EnsureNodeAsync(before, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _steps.Release();
        }
    }

    /// <summary>
    /// Replaces this member's data with a write checked against the node's version as this member last wrote it. While
    /// <see cref="MembershipStatus.Waiting"/> the data is kept for the node it will create.
    /// </summary>
    /// <exception cref="BadVersionException">Someone else changed this member's node; the next update starts from the node as it is then.</exception>
    /// <exception cref="InvalidOperationException">Not a member (never joined, left, or the session ended).</exception>
    public async Task<MembershipChange> UpdateAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await _steps.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var before = Status;
            lock (_gate)
            {
                if (_status == MembershipStatus.Out)
                    throw new InvalidOperationException("Not a member: join first.");
                _data = data.ToArray();
                if (_status == MembershipStatus.Waiting)
                    return new MembershipChange(before, before);
            }

            int? version;
            lock (_gate)
                version = _version;
            if (version is null)
            {
                // The outcome of our last write is unknown: start from the node as it is (EnsureNodeAsync writes our data).
                return await EnsureNodeAsync(before, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                var stat = await _client.SetDataAsync(NodePath!, _data, version.Value, cancellationToken).ConfigureAwait(false);
                lock (_gate)
                    _version = stat.Version;
                return new MembershipChange(before, Status);
            }
            catch (NoNodeException)
            {
                return await EnsureNodeAsync(before, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is BadVersionException or ConnectionLossException or OperationTimeoutException)
            {
                lock (_gate)
                    _version = null;
                throw;
            }
        }
        finally
        {
            _steps.Release();
        }
    }

    /// <summary>
    /// The members now, ordered by id, each with its data. With <paramref name="watch"/> a one-shot watch on the
    /// parent's children is armed, and <see cref="HandleAsync"/> reports the next change as <see cref="MembershipChange.MembersChanged"/>.
    /// </summary>
    public async Task<IReadOnlyList<GroupMember>> MembersAsync(bool watch, CancellationToken cancellationToken)
    {
        NodeChildren children;
        try
        {
            children = await _client.GetChildrenAsync(ParentPath, watch, cancellationToken).ConfigureAwait(false);
        }
        catch (NoNodeException)
        {
            return [];
        }

        if (watch)
        {
            lock (_gate)
                _membersWatched = true;
        }

        var reads = children.Children.Select(async name =>
        {
            try
            {
                var node = await _client.GetDataAsync(ZNodePaths.Child(ParentPath, name), watch: false, cancellationToken).ConfigureAwait(false);
                return new GroupMember(name, node.Data, node.Stat);
            }
            catch (NoNodeException)
            {
                return null;
            }
        });
        var members = (await Task.WhenAll(reads).ConfigureAwait(false)).OfType<GroupMember>().ToList();
        members.Sort((a, b) => string.CompareOrdinal(a.MemberId, b.MemberId));
        return members;
    }

    /// <summary>
    /// Handles one event of the client's watch stream: the node a waiting member waits for changed or went (it tries
    /// to join again), or the watched member list changed. Any other event changes nothing.
    /// </summary>
    public async Task<MembershipChange> HandleAsync(WatchEvent watchEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(watchEvent);
        var dropped = watchEvent.Type == WatchEventType.EventsDropped;
        bool membersChanged;
        lock (_gate)
        {
            membersChanged = _membersWatched && (dropped
                ? ZNodePaths.IsAtOrBelow(ParentPath, watchEvent.Path)
                : watchEvent.Type == WatchEventType.NodeChildrenChanged && watchEvent.Path == ParentPath);
            if (membersChanged)
                _membersWatched = false;
        }

        var before = Status;
        var path = NodePath;
        var waitedFor = before == MembershipStatus.Waiting && path is not null
            && (dropped ? ZNodePaths.IsAtOrBelow(path, watchEvent.Path) : watchEvent.Path == path);
        if (!waitedFor)
            return new MembershipChange(before, before, membersChanged);

        await _steps.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var change = Status == MembershipStatus.Waiting ? await EnsureNodeAsync(before, cancellationToken).ConfigureAwait(false) : new MembershipChange(before, Status);
            return change with { MembersChanged = membersChanged };
        }
        finally
        {
            _steps.Release();
        }
    }

    /// <summary>Expired, Closed, AuthFailed: the session and the member's node are gone, so it is out. Other states change nothing.</summary>
    public MembershipChange SessionStateChanged(SessionState state)
    {
        lock (_gate)
        {
            var before = _status;
            if (state is SessionState.Expired or SessionState.Closed or SessionState.AuthFailed)
            {
                _sessionEnded = true;
                _status = MembershipStatus.Out;
                _version = null;
                _membersWatched = false;
            }

            return new MembershipChange(before, _status);
        }
    }

    /// <summary>
    /// Makes sure the member's node is there (after a reconnect, or when someone may have deleted it): creates it again
    /// with the member's data when it is gone, or waits when another session holds the id.
    /// </summary>
    public async Task<MembershipChange> CheckAsync(CancellationToken cancellationToken)
    {
        await _steps.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var before = Status;
            return before == MembershipStatus.Out ? new MembershipChange(before, before) : await EnsureNodeAsync(before, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _steps.Release();
        }
    }

    /// <summary>Leaves the group: deletes the member's node if it is this session's, and stops waiting otherwise.</summary>
    public async Task<MembershipChange> LeaveAsync(CancellationToken cancellationToken)
    {
        await _steps.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var before = Status;
            if (before == MembershipStatus.Joined)
            {
                var path = NodePath!;
                var stat = await _client.ExistsAsync(path, watch: false, cancellationToken).ConfigureAwait(false);
                if (stat is not null && stat.EphemeralOwner == _client.SessionId)
                {
                    try
                    {
                        await _client.DeleteAsync(path, stat.Version, cancellationToken).ConfigureAwait(false);
                    }
                    catch (NoNodeException)
                    {
                    }
                }
            }

            lock (_gate)
            {
                _status = MembershipStatus.Out;
                _version = null;
                return new MembershipChange(before, _status);
            }
        }
        finally
        {
            _steps.Release();
        }
    }

    /// <summary>Creates the member's node, takes up this session's own, or waits for another session's; runs inside a step.</summary>
    private async Task<MembershipChange> EnsureNodeAsync(MembershipStatus before, CancellationToken cancellationToken)
    {
        var path = NodePath!;
        byte[] data;
        lock (_gate)
            data = _data;
        for (var round = 0; round < MaxJoinRounds; round++)
        {
            try
            {
                var created = await _client.Create2Async(path, data, CreateMode.Ephemeral, null, null, cancellationToken).ConfigureAwait(false);
                return Settle(before, MembershipStatus.Joined, created.Stat.Version, 0);
            }
            catch (NoNodeException)
            {
                await ZNodePaths.EnsureAsync(_client, ParentPath, cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch (NodeExistsException)
            {
            }

            NodeData existing;
            try
            {
                existing = await _client.GetDataAsync(path, watch: false, cancellationToken).ConfigureAwait(false);
            }
            catch (NoNodeException)
            {
                continue;
            }

            var owner = existing.Stat.EphemeralOwner;
            if (owner == _client.SessionId)
            {
                var version = existing.Stat.Version;
                if (!existing.Data.AsSpan().SequenceEqual(data))
                {
                    try
                    {
                        version = (await _client.SetDataAsync(path, data, version, cancellationToken).ConfigureAwait(false)).Version;
                    }
                    catch (Exception e) when (e is BadVersionException or NoNodeException)
                    {
                        continue;
                    }
                }

                return Settle(before, MembershipStatus.Joined, version, 0);
            }

            if (owner == 0)
                throw new InvalidOperationException($"Member id node {path} is a persistent node, which no session's end will remove; delete it to let the member join.");

            // Another session holds the id: wait for its node to go. The exists watch is armed on a node that exists,
            // so it fires on the deletion; if the node went just now, go round and create ours.
            var stat = await _client.ExistsAsync(path, watch: true, cancellationToken).ConfigureAwait(false);
            if (stat is null)
                continue;
            if (stat.EphemeralOwner == owner)
            {
                LogWaiting(_logger, MemberId!, path, owner);
                return Settle(before, MembershipStatus.Waiting, null, owner);
            }
        }

        throw new InvalidOperationException($"Member node {path} appeared and vanished {MaxJoinRounds} times while joining: another process is joining with the same id.");
    }

    private MembershipChange Settle(MembershipStatus before, MembershipStatus status, int? version, long waitingFor)
    {
        lock (_gate)
        {
            // A node made on a session that has ended meanwhile went with it.
            _status = _sessionEnded ? MembershipStatus.Out : status;
            _version = version;
            _waitingFor = waitingFor;
            status = _status;
        }

        if (status == MembershipStatus.Joined && before != MembershipStatus.Joined)
            LogJoined(_logger, MemberId!, ParentPath);
        return new MembershipChange(before, status);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Member {MemberId} joined the group under {ParentPath}")]
    private static partial void LogJoined(ILogger logger, string memberId, string parentPath);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Member {MemberId} waits: {Path} is held by session 0x{OwnerSession:x} (a crashed process of this member not yet expired, or a second process with this id)")]
    private static partial void LogWaiting(ILogger logger, string memberId, string path, long ownerSession);
}
