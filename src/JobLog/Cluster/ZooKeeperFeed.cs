using JobLog.Node;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using JobLog.ZooKeeper.Watches;
using Microsoft.Extensions.Logging;

namespace JobLog.Cluster;

/// <summary>
/// The apply path: a notification of the recursive watch on jobs/ makes the node read that job's znode and hand the
/// event in it to the <see cref="ScheduleFeed"/>, which applies it when it is the next version, ignores it when it is
/// not newer, and reads the job from the store when versions are missing. When notifications may have been missed (the
/// client dropped some, or the connection was lost: ZooKeeper re-arms persistent watches without replaying what changed
/// meanwhile) the node catches up from the store instead; it never re-reads every znode.
/// </summary>
public sealed partial class ZooKeeperFeed(ClusterPaths paths, ScheduleFeed feed, StoreCatchUp catchUp, ILogger<ZooKeeperFeed> logger)
{
    /// <summary>Arms the one persistent recursive watch on jobs/. Subscribe to the client's events before calling this.</summary>
    public Task WatchAsync(IZooKeeperClient client, CancellationToken cancellationToken) =>
        client.AddWatchAsync(paths.Jobs, AddWatchMode.PersistentRecursive, cancellationToken);

    /// <summary>Returns once the server has handled everything this session sent before, the watch's re-arming included.</summary>
    public Task WaitUntilWatchedAsync(IZooKeeperClient client, CancellationToken cancellationToken) =>
        client.ExistsAsync(paths.Jobs, false, cancellationToken);

    /// <summary>Handles one watch event; events about anything but a job's znode are not this feed's and are ignored.</summary>
    public async Task HandleAsync(IZooKeeperClient client, WatchEvent watchEvent, CancellationToken cancellationToken)
    {
        switch (watchEvent.Type)
        {
            case WatchEventType.EventsDropped when IsUnderJobs(watchEvent.Path):
                LogDropped(logger, watchEvent.Dropped);
                await ResyncAsync(cancellationToken);
                break;
            case WatchEventType.NodeCreated or WatchEventType.NodeDataChanged
                when paths.TryParseJob(watchEvent.Path, out var job):
                NodeData node;
                try
                {
                    node = await client.GetDataAsync(watchEvent.Path, false, cancellationToken);
                }
                catch (NoNodeException)
                {
                    return;
                }
                if (JobZnode.TryDecode(job, node.Data) is { } recorded)
                    await feed.IngestAsync([recorded], FeedSource.ZooKeeper, cancellationToken);
                else
                    await feed.RepairAsync([job], cancellationToken);
                break;
        }
    }

    /// <summary>
    /// Catches up from the store for whatever notifications were missed: the feed since the node's position there, then
    /// every stream's version. The feed stops at a number an append in flight holds, so changes committed above it before
    /// the watch was armed again would otherwise wait for the safety net (no notification comes for them any more); the
    /// versions cover everything committed by now, and whatever commits later is mirrored, and so notified, later.
    /// </summary>
    public async Task ResyncAsync(CancellationToken cancellationToken)
    {
        await catchUp.TailAsync(cancellationToken);
        await catchUp.ReconcileAsync(cancellationToken);
    }

    // A drop notice names the deepest node all dropped events concern: the root, jobs/ itself, or a job below it.
    private bool IsUnderJobs(string path) =>
        path == "/" || path == paths.Jobs
        || path.StartsWith(paths.Jobs + "/", StringComparison.Ordinal)
        || paths.Jobs.StartsWith(path + "/", StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Dropped} ZooKeeper notifications were dropped; catching up from the store")]
    private static partial void LogDropped(ILogger logger, int dropped);
}
