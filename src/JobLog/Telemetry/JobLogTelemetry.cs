using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace JobLog.Telemetry;

/// <summary>
/// Every instrument and the one activity source of JobLog, named after OpenTelemetry's conventions (dotted lowercase
/// names, UCUM units; an exporter adds its own suffixes such as Prometheus' <c>_total</c> and <c>_seconds</c>).
/// The instruments that count events live on one process-wide meter, because the parts that record them (the dispatch
/// term, the simulated clusters of the property tests) are built by hand as well as by the container; the gauges,
/// which read one node's state, are made per node by <see cref="NodeGauges"/> under the same meter name.
/// </summary>
public static class JobLogTelemetry
{
    /// <summary>The meter's and the activity source's name: what a metrics or tracing pipeline subscribes to.</summary>
    public const string Name = "JobLog";

    // Instrument names as constants: a listener told of an instrument while this type is still being initialized (the
    // instruments are published as they are made) must not need its properties.

    public const string JobChangesName = "joblog.job.changes";
    public const string JobConflictsName = "joblog.job.conflicts";
    public const string StoreAppendDurationName = "joblog.store.append.duration";
    public const string PropagationLagName = "joblog.schedule.propagation.lag";
    public const string ZooKeeperReconnectsName = "joblog.zookeeper.reconnects";
    public const string DispatchLatenessName = "joblog.dispatch.lateness";
    public const string DispatchRunsName = "joblog.dispatch.runs";
    public const string JobsInSchedule = "joblog.schedule.jobs";
    public const string ZooKeeperSessionState = "joblog.zookeeper.session.state";
    public const string MirrorBacklog = "joblog.mirror.backlog";

    // Attribute names: dotted, lowercase, namespaced like the instruments.
    public const string EventTypeAttribute = "joblog.event.type";
    public const string ConflictKindAttribute = "joblog.conflict.kind";
    public const string AppendOutcomeAttribute = "joblog.append.outcome";
    public const string FeedSourceAttribute = "joblog.feed.source";
    public const string StateAttribute = "joblog.zookeeper.state";
    public const string ReconnectKindAttribute = "joblog.reconnect.kind";
    public const string RunOutcomeAttribute = "joblog.run.outcome";
    public const string RunKindAttribute = "joblog.run.kind";
    public const string JobIdAttribute = "joblog.job.id";

    // Seconds from a millisecond to a minute: store appends and ZooKeeper propagation sit at the low end, dispatch
    // lateness and a node catching up after an outage at the high end.
    private static readonly InstrumentAdvice<double> Seconds = new()
    {
        HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    };

    private static readonly Meter Meter = new(Name);

    public static ActivitySource Source { get; } = new(Name);

    public static Counter<long> JobChanges { get; } = Meter.CreateCounter<long>(
        JobChangesName, "{change}", $"Job changes committed through this node, by {EventTypeAttribute} (JobAdded, JobUpdated, ...).");

    public static Counter<long> JobConflicts { get; } = Meter.CreateCounter<long>(
        JobConflictsName, "{conflict}",
        $"Changes refused because of the job's state, by {ConflictKindAttribute}: stale_version (412), already_exists and invalid_transition (409).");

    public static Histogram<double> StoreAppendDuration { get; } = Meter.CreateHistogram(
        StoreAppendDurationName, "s", $"Time of one append to the event store, by {AppendOutcomeAttribute} (committed, conflict, failed).",
        advice: Seconds);

    public static Histogram<double> PropagationLag { get; } = Meter.CreateHistogram(
        PropagationLagName, "s",
        $"From an event's commit time in the store to its application to this node's schedule, by {FeedSourceAttribute} (write, zookeeper, store); not recorded while the schedule first loads.",
        advice: Seconds);

    public static Counter<long> ZooKeeperReconnects { get; } = Meter.CreateCounter<long>(
        ZooKeeperReconnectsName, "{reconnect}",
        $"Times this node got ZooKeeper back, by {ReconnectKindAttribute}: same_session (connection restored) or new_session (after the session ended).");

    public static Histogram<double> DispatchLateness { get; } = Meter.CreateHistogram(
        DispatchLatenessName, "s", $"From an occurrence's scheduled instant to the start of its call, by {RunKindAttribute} (scheduled, catchUp).",
        advice: Seconds);

    public static Counter<long> DispatchRuns { get; } = Meter.CreateCounter<long>(
        DispatchRunsName, "{run}",
        $"Run outcomes this node recorded as leader, by {JobIdAttribute}, {RunOutcomeAttribute} and {RunKindAttribute}; the number of series is capped (JobLog:Telemetry:MaxRunSeries), the rest adding up in one overflow series.");
}
