using JobLog.Model;
using JobLog.Store;
using JobLog.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobLog.Node;

/// <summary>
/// The one way events enter this node's schedule: this node's writes, the store's feed and the ZooKeeper mirror all
/// hand their events here. The fold keeps what is next in each stream and ignores repeats and older versions; an event
/// that arrives ahead of a gap makes the feed read the missing events of that job from the store, never guess them.
/// </summary>
public sealed partial class ScheduleFeed
{
    private readonly ScheduleHolder _holder;
    private readonly IJobEventStore _store;
    private readonly SyncStatus _status;
    private readonly int _repairBatchSize;
    private readonly ILogger<ScheduleFeed> _logger;
    private readonly TimeProvider _clock;

    public ScheduleFeed(
        ScheduleHolder holder,
        IJobEventStore store,
        SyncStatus status,
        IOptions<CatchUpOptions> options,
        ILogger<ScheduleFeed> logger,
        TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
        _holder = holder;
        _store = store;
        _status = status;
        _repairBatchSize = options.Value.RepairBatchSize;
        _logger = logger;
    }

    /// <summary>Folds <paramref name="events"/> (any jobs, any order) and repairs from the store every job they show a gap in.</summary>
    public async Task IngestAsync(IReadOnlyList<RecordedEvent> events, FeedSource source, CancellationToken cancellationToken)
    {
        var gaps = Fold(events, source);
        if (gaps.Count == 0)
            return;
        var jobs = gaps.Select(g => g.Job).Distinct().ToList();
        LogGap(_logger, jobs.Count, source, jobs[0].Value);
        await RepairAsync(jobs, cancellationToken);
    }

    /// <summary>Reads the streams of <paramref name="jobs"/> from the store, many in one read, and folds them.</summary>
    public async Task RepairAsync(IReadOnlyCollection<JobId> jobs, CancellationToken cancellationToken)
    {
        foreach (var batch in jobs.Chunk(_repairBatchSize))
            Fold(await _store.ReadStreamsAsync(batch, cancellationToken), FeedSource.Store);
    }

    private IReadOnlyList<RecordedEvent> Fold(IReadOnlyList<RecordedEvent> events, FeedSource source)
    {
        var outcome = _holder.ApplyAll(events);
        if (outcome.Applied.Count > 0)
        {
            _status.RecordApplied(outcome.Applied.Max(e => e.Sequence));
            RecordLag(outcome.Applied, source);
        }
        return outcome.Gaps;
    }

    /// <summary>
    /// Commit time (the store's clock) to now (this node's): on one machine, or clocks kept in step, the propagation
    /// lag. The first load is left out: it applies events of any age, which says nothing about propagation.
    /// </summary>
    private void RecordLag(IReadOnlyList<RecordedEvent> applied, FeedSource source)
    {
        if (!_status.IsLoaded || !JobLogTelemetry.PropagationLag.Enabled)
            return;
        var now = _clock.GetUtcNow();
        var tag = new KeyValuePair<string, object?>(JobLogTelemetry.FeedSourceAttribute, SourceName(source));
        foreach (var recorded in applied)
            JobLogTelemetry.PropagationLag.Record(Math.Max(0, (now - recorded.Timestamp).TotalSeconds), tag);
    }

    private static string SourceName(FeedSource source) => source switch
    {
        FeedSource.Write => "write",
        FeedSource.ZooKeeper => "zookeeper",
        _ => "store",
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Events from {Source} arrived ahead of a gap in {JobCount} jobs (first {JobId}); reading them from the store")]
    private static partial void LogGap(ILogger logger, int jobCount, FeedSource source, string jobId);
}
