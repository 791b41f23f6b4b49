using System.Diagnostics.Metrics;
using JobLog.Cluster;
using JobLog.Node;

namespace JobLog.Telemetry;

/// <summary>
/// The gauges of one node, read when a metrics pipeline collects: how many jobs its schedule holds, how it stands with
/// ZooKeeper, and how far the store's feed is ahead of the mirror position its relay found (while it leads). Their meter
/// comes from the node's <see cref="IMeterFactory"/>, so it ends with the node.
/// </summary>
public sealed class NodeGauges
{
    private static readonly (ZooKeeperLink Link, string Name)[] States =
    [
        (ZooKeeperLink.NotConfigured, "not_configured"),
        (ZooKeeperLink.Connecting, "connecting"),
        (ZooKeeperLink.Connected, "connected"),
        (ZooKeeperLink.Disconnected, "disconnected"),
        (ZooKeeperLink.Expired, "expired"),
    ];

    public NodeGauges(IMeterFactory meters, ScheduleHolder schedule, SyncStatus status, ClusterLeadership leadership, MirrorRelay relay)
    {
        var meter = meters.Create(JobLogTelemetry.Name);
        meter.CreateObservableGauge(
            JobLogTelemetry.JobsInSchedule,
            () => schedule.Current.Count,
            "{job}",
            "Jobs in this node's schedule, deleted ones included (they keep their history and can be restored).");
        meter.CreateObservableGauge(
            JobLogTelemetry.ZooKeeperSessionState,
            () => States.Select(state => new Measurement<int>(
                state.Link == status.ZooKeeper ? 1 : 0, new KeyValuePair<string, object?>(JobLogTelemetry.StateAttribute, state.Name))),
            "1",
            $"1 for the state this node's ZooKeeper session is in, 0 for the others, by {JobLogTelemetry.StateAttribute}.");
        meter.CreateObservableGauge(
            JobLogTelemetry.MirrorBacklog,
            () => leadership.IsLeader ? relay.Backlog : 0L,
            "{event}",
            "Events of the store's feed beyond the mirror position when this node's relay last looked (0 unless it leads); each is brought to its znode by the relay if the write path did not.");
    }
}
