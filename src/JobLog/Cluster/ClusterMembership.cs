using JobLog.Node;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Recipes;
using JobLog.ZooKeeper.Watches;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobLog.Cluster;

/// <summary>
/// This node's entry under nodes/ (the <see cref="GroupMembership"/> recipe, one per session): an ephemeral node named
/// by the node id, gone with the session, holding the node's URL, start time and how far it has applied the global
/// sequence with the digest of its schedule then (published when the position moved). A restarted node whose earlier session still holds its id waits, at most a
/// session timeout, for that node to go: a crashed process cannot be told from a second one with the same id.
/// </summary>
public sealed class ClusterMembership(
    ClusterPaths paths, IOptions<NodeOptions> node, IOptions<ClusterOptions> options, TimeProvider clock, ILogger<GroupMembership> logger)
{
    private readonly string _nodeId = node.Value.NodeId;
    private readonly string? _url = options.Value.AdvertisedUrl;
    private readonly DateTimeOffset _startedAt = clock.GetUtcNow();
    private volatile GroupMembership? _membership;
    private long _published = -1;

    public async Task JoinAsync(IZooKeeperClient session, long appliedSequence, string? digest, CancellationToken cancellationToken)
    {
        var membership = new GroupMembership(session, paths.Nodes, logger);
        _membership = membership;
        await membership.JoinAsync(_nodeId, Record(appliedSequence, digest), cancellationToken);
        Interlocked.Exchange(ref _published, appliedSequence);
    }

    /// <summary>Hands a watch event to the membership (a node id this node waits for may have become free).</summary>
    public async Task HandleAsync(WatchEvent watchEvent, CancellationToken cancellationToken)
    {
        if (_membership is { } membership)
            await membership.HandleAsync(watchEvent, cancellationToken);
    }

    /// <summary>
    /// Publishes the applied position, with the schedule's digest, when the position moved since the last time (the
    /// schedule changes only with the position).
    /// </summary>
    public async Task PublishAsync(long appliedSequence, string? digest, CancellationToken cancellationToken)
    {
        if (_membership is not { Status: MembershipStatus.Joined } membership || appliedSequence == Interlocked.Read(ref _published))
            return;
        try
        {
            await membership.UpdateAsync(Record(appliedSequence, digest), cancellationToken);
        }
        catch (InvalidOperationException) when (membership.Status == MembershipStatus.Out)
        {
            // The session ended between the check and the write: the entry is gone, and the next join publishes the position.
            return;
        }
        Interlocked.Exchange(ref _published, appliedSequence);
    }

    /// <summary>
    /// Makes sure this node's entry is there after a reconnect. A member that waited for an earlier session's entry to go
    /// may have sent its create just as the connection dropped: the entry is then this session's, but the member still
    /// waits, and the one-shot watch that would have woken it has fired already; only a check takes the entry up.
    /// </summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        if (_membership is { } membership)
            await membership.CheckAsync(cancellationToken);
    }

    /// <summary>The session ended and this node's entry with it.</summary>
    public void Forget()
    {
        _membership?.SessionStateChanged(SessionState.Expired);
        _membership = null;
        Interlocked.Exchange(ref _published, -1);
    }

    /// <summary>Every registered node, by id.</summary>
    public async Task<IReadOnlyList<ClusterMember>> MembersAsync(CancellationToken cancellationToken)
    {
        if (_membership is not { } membership)
            return [];
        return (await membership.MembersAsync(false, cancellationToken))
            .OrderBy(m => m.MemberId, StringComparer.Ordinal)
            .Select(m => MemberRecord.TryDecode(m.Data) is { } record
                ? new ClusterMember(m.MemberId, record.Url, record.StartedAt, record.AppliedSequence, record.Digest)
                : new ClusterMember(m.MemberId, null, null, 0))
            .ToList();
    }

    private byte[] Record(long appliedSequence, string? digest) => new MemberRecord(_url, _startedAt, appliedSequence, digest).Encode();
}
