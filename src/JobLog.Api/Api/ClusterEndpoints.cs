using JobLog.Api.Auth;
using JobLog.Cluster;
using JobLog.Dispatch.Leader;
using JobLog.Node;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace JobLog.Api.Api;

/// <summary><c>/cluster</c>: this node's view of the cluster, and a digest of its schedule to compare with other nodes'.</summary>
public static class ClusterEndpoints
{
    public static IEndpointRouteBuilder MapClusterApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/cluster").WithTags("Cluster").RequireAuthorization(AuthPolicies.Viewer).MapGet("", GetCluster)
            .WithName(nameof(GetCluster))
            .WithSummary("Leader and epoch, members and how far each has applied, and this node's applied sequence, job count and "
                         + "schedule digest (equal digests: identical schedules). stale: ZooKeeper is not connected or the store failed.");
        return app;
    }

    public static async Task<Ok<ClusterStatusView>> GetCluster(
        ClusterAgent agent,
        ScheduleHolder schedule,
        SyncStatus status,
        IDispatcherState dispatcher,
        IOptions<NodeOptions> node,
        CancellationToken cancellationToken)
    {
        // Read first, so the digest and count describe a schedule at least as new as the applied sequence reported.
        var appliedSequence = status.AppliedSequence;
        var current = schedule.Current;
        ClusterView view;
        try
        {
            view = await agent.DescribeAsync(cancellationToken);
        }
        catch (Exception e) when (e is JobLog.ZooKeeper.Errors.ZooKeeperException or ObjectDisposedException)
        {
            view = ClusterView.Unknown;
        }
        var link = status.ZooKeeper;
        return TypedResults.Ok(new ClusterStatusView(
            node.Value.NodeId,
            view.Leader,
            view.Epoch,
            view.Members.Select(m => new ClusterMemberView(m.NodeId, m.Url, m.AppliedSequence, m.Digest)).ToList(),
            appliedSequence,
            current.Count,
            ScheduleDigest.Of(current),
            link switch
            {
                ZooKeeperLink.Connected => "connected",
                ZooKeeperLink.Expired => "expired",
                _ => "disconnected",
            },
            Stale: link is not (ZooKeeperLink.Connected or ZooKeeperLink.NotConfigured) || status.StoreError is not null,
            Dispatcher: DispatcherOf(dispatcher.Snapshot())));
    }

    private static DispatcherView? DispatcherOf(DispatcherSnapshot snapshot) =>
        snapshot.Leading
            ? new DispatcherView(
                snapshot.Dispatching,
                snapshot.Epoch,
                snapshot.DueQueueLength,
                snapshot.InFlight,
                snapshot.LastLateness?.TotalMilliseconds,
                snapshot.Incarnation)
            : null;
}
