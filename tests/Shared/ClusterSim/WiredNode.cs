using JobLog.Cluster;
using JobLog.Commands;
using JobLog.Node;
using JobLog.Store;
using JobLog.ZooKeeper.Recipes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobLog.Testing.ClusterSim;

/// <summary>
/// One node's real components wired by hand as the API's registrations wire them, over a given store: the schedule and
/// the one feed into it, the store catch-up, the write path with the ZooKeeper mirror, and the cluster agent with its
/// parts. Nothing is started: whoever drives the node calls the steps (load, attach, handle, tick).
/// </summary>
public sealed class WiredNode : IDisposable
{
    public WiredNode(string nodeId, IJobEventStore store, ClusterPaths paths, TimeProvider clock, ILoggerFactory logs, Action<ClusterOptions>? configure = null)
    {
        Id = nodeId;
        Applied = new AppliedOrder(nodeId);
        Holder = new ScheduleHolder { AppliedObserver = Applied.Observe };
        Status = new SyncStatus(clock);
        // Small pages and batches, so that a run of a few dozen events already crosses page boundaries.
        var catchUp = Options.Create(new CatchUpOptions { PageSize = 4, RepairBatchSize = 3 });
        var node = Options.Create(new NodeOptions { NodeId = nodeId });
        var clusterOptions = new ClusterOptions { RelayPageSize = 3, RelayConcurrency = 2, AdvertisedUrl = $"http://{nodeId}.test", Root = paths.Root };
        configure?.Invoke(clusterOptions);
        var cluster = Options.Create(clusterOptions);
        ClusterOptions = cluster;
        Feed = new ScheduleFeed(Holder, store, Status, catchUp, logs.CreateLogger<ScheduleFeed>());
        CatchUp = new StoreCatchUp(store, Feed, Holder, Status, clock, catchUp, logs.CreateLogger<StoreCatchUp>());
        Client = new ClusterClient();
        var mirror = new JobMirror(paths, store, logs.CreateLogger<JobMirror>());
        var relay = new MirrorRelay(paths, mirror, store, Holder, cluster, logs.CreateLogger<MirrorRelay>());
        var zooKeeperFeed = new ZooKeeperFeed(paths, Feed, CatchUp, logs.CreateLogger<ZooKeeperFeed>());
        Leadership = new ClusterLeadership(paths, node, logs.CreateLogger<LeaderElection>());
        Membership = new ClusterMembership(paths, node, cluster, clock, logs.CreateLogger<GroupMembership>());
        Agent = new ClusterAgent(Client, paths, zooKeeperFeed, relay, Leadership, Membership, Status, Holder, logs.CreateLogger<ClusterAgent>());
        Commands = new JobCommandService(
            store, Holder, Feed, new ClusterChangeMirror(Client, mirror, cluster, Options.Create(new ClusterTestHooks()), clock, logs.CreateLogger<ClusterChangeMirror>()),
            SecretVaults.Shared, node,
            logs.CreateLogger<JobCommandService>());
    }

    public string Id { get; }

    public IOptions<ClusterOptions> ClusterOptions { get; }

    public AppliedOrder Applied { get; }

    public ScheduleHolder Holder { get; }

    public SyncStatus Status { get; }

    public ScheduleFeed Feed { get; }

    public StoreCatchUp CatchUp { get; }

    public ClusterClient Client { get; }

    public ClusterLeadership Leadership { get; }

    public ClusterMembership Membership { get; }

    public ClusterAgent Agent { get; }

    public JobCommandService Commands { get; }

    public void Dispose() => CatchUp.Dispose();
}
