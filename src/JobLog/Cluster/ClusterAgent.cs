using JobLog.Node;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Watches;
using Microsoft.Extensions.Logging;

namespace JobLog.Cluster;

/// <summary>
/// What this node does with its ZooKeeper session, as steps its owner calls: a background service in a node, the test
/// itself in the simulated cluster of the property tests. No step waits on a clock or starts work of its own.
/// </summary>
public sealed partial class ClusterAgent(
    ClusterClient client,
    ClusterPaths paths,
    ZooKeeperFeed feed,
    MirrorRelay relay,
    ClusterLeadership leadership,
    ClusterMembership membership,
    SyncStatus status,
    ScheduleHolder schedule,
    ILogger<ClusterAgent> logger)
{
    /// <summary>
    /// Starts working through a new session: lays out the tree, arms the watch on jobs/, joins the members and the
    /// election, then catches up from the store for whatever changed before the watch was armed. The caller has
    /// subscribed to the session's watch events already, so nothing between the watch and the catch-up is missed.
    /// </summary>
    public async Task AttachAsync(IZooKeeperClient session, CancellationToken cancellationToken)
    {
        client.Set(session);
        await ClusterLayout.EnsureAsync(session, paths, cancellationToken);
        await feed.WatchAsync(session, cancellationToken);
        var (applied, digest) = Position();
        await membership.JoinAsync(session, applied, digest, cancellationToken);
        await leadership.JoinAsync(session, cancellationToken);
        status.SetZooKeeper(ZooKeeperLink.Connected);
        await feed.ResyncAsync(cancellationToken);
        LogAttached(logger, session.SessionId, leadership.IsLeader, leadership.Epoch);
    }

    /// <summary>Hands one watch event to the part it concerns.</summary>
    public async Task HandleAsync(WatchEvent watchEvent, CancellationToken cancellationToken)
    {
        if (client.Current is not { } session)
            return;
        await feed.HandleAsync(session, watchEvent, cancellationToken);
        if (await leadership.HandleAsync(watchEvent, cancellationToken))
            LogLeadership(logger, leadership.IsLeader, leadership.Epoch);
        await membership.HandleAsync(watchEvent, cancellationToken);
    }

    /// <summary>Catches up from the store: when a notification could not be applied, or may have been missed.</summary>
    public Task ResyncAsync(CancellationToken cancellationToken) => feed.ResyncAsync(cancellationToken);

    /// <summary>The connection dropped: the session may end without this node hearing it, so it leads no more for now.</summary>
    public void OnDisconnected()
    {
        status.SetZooKeeper(ZooKeeperLink.Disconnected);
        leadership.Suspend();
    }

    /// <summary>
    /// The connection is back with the same session. ZooKeeper re-arms the persistent watch without replaying what changed
    /// meanwhile, so the node catches up from the store, looks again at whether it leads and whether its entry is there.
    /// </summary>
    public async Task OnReconnectedAsync(CancellationToken cancellationToken)
    {
        if (client.Current is not { } session)
            return;
        status.SetZooKeeper(ZooKeeperLink.Connected);
        try
        {
            // The client re-arms the watch on jobs/ ahead of any request of the new connection, and the server serves a
            // session's requests in order: once this answer is here the watch is armed again, so every change mirrored
            // after the store is read below is notified. Reading the store first would leave a window in which a change
            // committed after the read and mirrored before the re-arm reached this node by neither path.
            await feed.WaitUntilWatchedAsync(session, cancellationToken);
        }
        finally
        {
            await feed.ResyncAsync(cancellationToken);
        }
        if (await leadership.CheckAsync(cancellationToken))
            LogLeadership(logger, leadership.IsLeader, leadership.Epoch);
        await membership.CheckAsync(cancellationToken);
    }

    /// <summary>The session is gone (expired or closed): its ephemeral nodes with it. A new one must be attached.</summary>
    public void OnSessionEnded(ZooKeeperLink link)
    {
        client.Set(null);
        leadership.Forget();
        membership.Forget();
        status.SetZooKeeper(link);
    }

    /// <summary>The periodic step: the leader relays the store's feed into znodes; every member publishes how far it has applied.</summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        if (client.Connected is not { } session)
            return;
        if (leadership.IsLeader)
            await relay.RelayOnceAsync(session, cancellationToken);
        var (applied, digest) = Position();
        await membership.PublishAsync(applied, digest, cancellationToken);
    }

    // The sequence first, so the digest describes a schedule at least as new as the position published with it.
    private (long Applied, string Digest) Position()
    {
        var applied = status.AppliedSequence;
        return (applied, ScheduleDigest.Of(schedule.Current));
    }

    /// <summary>The leader, its epoch and the members as ZooKeeper shows them now; empty when there is no connected session.</summary>
    public async Task<ClusterView> DescribeAsync(CancellationToken cancellationToken)
    {
        if (client.Connected is null)
            return ClusterView.Unknown;
        var leader = await leadership.CurrentLeaderAsync(cancellationToken);
        var members = await membership.MembersAsync(cancellationToken);
        return new ClusterView(leader?.NodeId, leader?.Epoch, members);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Joined the cluster with session {SessionId:x}; leader: {IsLeader}, epoch {Epoch}")]
    private static partial void LogAttached(ILogger logger, long sessionId, bool isLeader, long epoch);

    [LoggerMessage(Level = LogLevel.Information, Message = "Leadership changed: leader {IsLeader}, epoch {Epoch}")]
    private static partial void LogLeadership(ILogger logger, bool isLeader, long epoch);
}
