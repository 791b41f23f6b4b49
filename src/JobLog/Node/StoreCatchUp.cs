using System.Threading.Channels;
using JobLog.Model;
using JobLog.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobLog.Node;

/// <summary>
/// Keeps the node's schedule in step with the store through <see cref="ScheduleFeed"/>: loads every event at start,
/// then tails the global feed on a timer or a <see cref="Nudge"/>. The feed never passes an event that may still commit, but
/// a node must end with the fold of the store whatever its feed missed (a store restored from a backup, an event
/// type it learns later): a gap in a stream, and otherwise a periodic reconcile of stream versions, repairs the
/// schedule by re-reading the streams that differ.
/// </summary>
public sealed partial class StoreCatchUp : BackgroundService
{
    private readonly IJobEventStore _store;
    private readonly ScheduleFeed _feed;
    private readonly ScheduleHolder _holder;
    private readonly SyncStatus _status;
    private readonly TimeProvider _clock;
    private readonly CatchUpOptions _options;
    private readonly ILogger<StoreCatchUp> _logger;
    private readonly SemaphoreSlim _oneTail = new(1, 1);
    private readonly Channel<bool> _nudges = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public StoreCatchUp(
        IJobEventStore store,
        ScheduleFeed feed,
        ScheduleHolder holder,
        SyncStatus status,
        TimeProvider clock,
        IOptions<CatchUpOptions> options,
        ILogger<StoreCatchUp> logger)
    {
        _store = store;
        _feed = feed;
        _holder = holder;
        _status = status;
        _clock = clock;
        _options = options.Value;
        _logger = logger;
        // Losing ZooKeeper makes the store the only source of other nodes' changes: start tailing it at once.
        status.ZooKeeperChanged += _ => Nudge();
    }

    /// <summary>Asks for a tail of the feed now instead of at the next tick (e.g. a ZooKeeper doorbell rang).</summary>
    public void Nudge() => _nudges.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!_status.IsLoaded && !stoppingToken.IsCancellationRequested)
        {
            try
            {
                await LoadAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                Failed(ex);
                await WaitAsync(_options.RetryDelay, stoppingToken);
            }
        }

        var lastReconcile = _clock.GetTimestamp();
        while (!stoppingToken.IsCancellationRequested)
        {
            // With ZooKeeper connected, other nodes' changes arrive through it and the store is only the safety net.
            var connected = _status.ZooKeeper == ZooKeeperLink.Connected;
            await WaitAsync(connected ? _options.SafetyNetInterval : _options.TailInterval, stoppingToken);
            if (stoppingToken.IsCancellationRequested)
                break;
            try
            {
                await TailAsync(stoppingToken);
                if (connected || _clock.GetElapsedTime(lastReconcile) >= _options.ReconcileInterval)
                {
                    await ReconcileAsync(stoppingToken);
                    lastReconcile = _clock.GetTimestamp();
                }
                _status.MarkStoreSynced();
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                Failed(ex);
            }
        }
    }

    /// <summary>Reads the whole feed, then repairs whatever the feed's order left out.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        // The stream versions are read while the feed is: whatever the feed leaves out of what was committed before
        // they were read is repaired below, which covers everything committed before the load began.
        var versions = _store.StreamVersionsAsync(cancellationToken);
        var tail = TailAsync(cancellationToken);
        await Task.WhenAll(versions, tail);
        await RepairBehindAsync(await versions, cancellationToken);
        _status.MarkLoaded();
        _status.MarkStoreSynced();
        LogLoaded(_logger, _holder.Current.Count, _status.TailSequence);
    }

    /// <summary>
    /// Folds every event above the tail position, page after page until the store says the feed ends (or waits at a
    /// transaction in flight); a job whose events arrive ahead of a gap in its stream is read again from the store.
    /// One tail at a time: the timer, a reconnect to ZooKeeper and a missed-events notice may all ask at once.
    /// </summary>
    public async Task TailAsync(CancellationToken cancellationToken)
    {
        await _oneTail.WaitAsync(cancellationToken);
        try
        {
            await TailOnceAsync(cancellationToken);
        }
        finally
        {
            _oneTail.Release();
        }
    }

    private async Task TailOnceAsync(CancellationToken cancellationToken)
    {
        var page = await _store.ReadAllAsync(_status.TailSequence, _options.PageSize, cancellationToken);
        var events = page.Events;
        if (!page.ReachedEnd)
        {
            // A backlog (the load at start-up) is folded once at the end: folding it page by page would rebuild the
            // whole schedule for every page.
            var backlog = new List<RecordedEvent>(events);
            do
            {
                page = await _store.ReadAllAsync(page.Next, _options.PageSize, cancellationToken);
                backlog.AddRange(page.Events);
            }
            while (!page.ReachedEnd);
            events = backlog;
        }
        await _feed.IngestAsync(events, FeedSource.Store, cancellationToken);
        _status.AdvanceTail(page.Next);
    }

    /// <summary>Compares every stream's version with the schedule and re-reads those that are behind.</summary>
    public async Task ReconcileAsync(CancellationToken cancellationToken) =>
        await RepairBehindAsync(await _store.StreamVersionsAsync(cancellationToken), cancellationToken);

    private async Task RepairBehindAsync(IReadOnlyDictionary<JobId, long> versions, CancellationToken cancellationToken)
    {
        var schedule = _holder.Current;
        var behind = versions.Where(v => schedule.VersionOf(v.Key) < v.Value).Select(v => v.Key).ToList();
        if (behind.Count > 0)
        {
            LogRepairing(_logger, behind.Count);
            await _feed.RepairAsync(behind, cancellationToken);
        }
    }

    private async Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(delay);
        try
        {
            await _nudges.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Failed(Exception ex)
    {
        _status.MarkStoreFailed(ex.Message);
        LogCatchUpFailed(_logger, ex.Message, ex);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule loaded: {JobCount} jobs up to sequence {Sequence}")]
    private static partial void LogLoaded(ILogger logger, int jobCount, long sequence);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-reading {StreamCount} streams the feed left behind")]
    private static partial void LogRepairing(ILogger logger, int streamCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule catch-up failed: {Reason}")]
    private static partial void LogCatchUpFailed(ILogger logger, string reason, Exception exception);
}
