using JobLog.Node;
using JobLog.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobLog.Dispatch.Leader;

/// <summary>
/// Dispatches due occurrences while this node leads: on becoming leader it starts a <see cref="DispatchTerm"/> with the
/// leadership's token (take-over, then the due loop and the trigger loop); the term ends when leadership is lost or
/// changes, or a write is fenced off, after which the node dispatches nothing under that leadership again: it waits
/// until it leads with another token (a new election node, or a new incarnation). So a deposed leader that still
/// believes it leads stays idle, and two nodes that both lead in different elections (a misconfiguration: two
/// ensembles, or two nodes without ZooKeeper, on one store) end with the later take-over dispatching instead of taking
/// the fence from each other in turn. The loops only claim and enqueue; calls run as tasks of their own.
/// </summary>
public sealed partial class LeaderDispatcher(
    IDispatchLeadership leadership,
    IRunStore runs,
    IWebhookSender sender,
    ScheduleHolder schedule,
    IJobEventStore events,
    TimeProvider clock,
    IOptions<DispatchOptions> options,
    IOptions<NodeOptions> node,
    InFlightDeliveries inFlight,
    ILogger<LeaderDispatcher> logger) : BackgroundService, IDispatcherState
{
    // A schedule that is silent for long still gets a fresh look now and then (a clock that jumped, a lost wake-up).
    private static readonly TimeSpan LongestWait = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly DispatchOptions _options = options.Value;
    private readonly string _node = node.Value.NodeId;
    private volatile DispatchTerm? _term;
    private volatile DispatchFenceToken? _fenced;

    public DispatcherSnapshot Snapshot()
    {
        var term = _term;
        var current = leadership.Current;
        var leading = _options.Enabled && current is not null && current != _fenced;
        var shown = term?.Leadership ?? (leading ? current : null);
        return new DispatcherSnapshot(
            leading,
            term is { Started: true, Fenced: false },
            shown?.Epoch,
            term?.DueQueueLength ?? 0,
            inFlight.Count,
            term?.LastLateness,
            inFlight.ByJob())
        {
            Incarnation = shown?.Incarnation,
        };
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The host runs this up to its first await while it starts; a take-over must not hold the node's start-up.
        await Task.Yield();
        if (!_options.Enabled)
        {
            LogDisabled(logger);
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            var changed = leadership.Changed;
            if (leadership.Current is not { } current || current == _fenced)
            {
                await WaitForLeadershipChangeAsync(changed, stoppingToken);
                continue;
            }
            using var termEnd = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var term = new DispatchTerm(
                _node, current, runs, sender, schedule, events, clock, _options, inFlight, logger,
                fenced =>
                {
                    StayFenced(current, fenced);
                    try
                    {
                        termEnd.Cancel();
                    }
                    catch (ObjectDisposedException)
                    {
                        // A delivery of a term that already ended met the fence: nothing left to stop.
                    }
                },
                stoppingToken);
            _term = term;
            var watch = WatchLeadershipAsync(current, termEnd);
            try
            {
                await RunTermAsync(term, termEnd.Token);
            }
            catch (FencedException e)
            {
                StayFenced(current, e);
            }
            catch (OperationCanceledException) when (termEnd.IsCancellationRequested)
            {
                if (!stoppingToken.IsCancellationRequested && !term.Fenced)
                    LogLeadershipLost(logger, current.ToString());
            }
            catch (Exception e)
            {
                // The store is away, say: the term starts again (a take-over is idempotent for the same leadership).
                LogTermFailed(logger, current.ToString(), e.Message, e);
                await DelayAsync(RetryDelay, stoppingToken);
            }
            finally
            {
                await termEnd.CancelAsync();
                await watch;
                _term = null;
            }
        }
    }

    private async Task RunTermAsync(DispatchTerm term, CancellationToken cancellationToken)
    {
        await term.StartAsync(cancellationToken);
        var triggers = TriggerLoopAsync(term, cancellationToken);
        try
        {
            while (true)
            {
                // Taken before the tick reads the schedule, so a change applied meanwhile wakes the wait below.
                var changed = schedule.Changed;
                var next = await term.TickAsync(cancellationToken);
                var wait = next is { } due ? due - clock.GetUtcNow() : LongestWait;
                if (wait > LongestWait)
                    wait = LongestWait;
                if (wait > TimeSpan.Zero)
                    await Task.WhenAny(Task.Delay(wait, clock, cancellationToken), changed);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            await triggers.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task TriggerLoopAsync(DispatchTerm term, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await term.PollTriggersAsync(cancellationToken);
                }
                catch (Exception e) when (e is not (FencedException or OperationCanceledException))
                {
                    LogTriggersFailed(logger, e.Message, e);
                }
                // A notification wakes it at once; the poll is the safety net for one that was lost.
                await Task.WhenAny(
                    runs.WaitForTriggerAsync(cancellationToken),
                    Task.Delay(_options.TriggerPoll, clock, cancellationToken));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (FencedException)
        {
            // The term met it too (through the callback) and is ending.
        }
    }

    private async Task WatchLeadershipAsync(DispatchFenceToken held, CancellationTokenSource termEnd)
    {
        while (!termEnd.IsCancellationRequested)
        {
            var changed = leadership.Changed;
            if (leadership.Current != held)
            {
                await termEnd.CancelAsync();
                return;
            }
            await WaitForLeadershipChangeAsync(changed, termEnd.Token);
        }
    }

    // Taking over again under the same leadership would take the fence back from the one that took it (and so on in
    // turn): this node waits for a leadership of its own that is new instead.
    private void StayFenced(DispatchFenceToken held, FencedException fenced)
    {
        if (_fenced == held)
            return;
        _fenced = held;
        LogStayingFenced(logger, held.ToString(), fenced.Fence.ToString());
    }

    // The election's change wakes it at once; the poll is the safety net (and sees the schedule's first load).
    private async Task WaitForLeadershipChangeAsync(Task changed, CancellationToken cancellationToken) =>
        await Task.WhenAny(changed, DelayAsync(_options.LeadershipPoll, cancellationToken));

    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, clock, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dispatching is disabled on this node (JobLog:Dispatch:Enabled=false)")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leadership {Leadership} ended: dispatching stops")]
    private static partial void LogLeadershipLost(ILogger logger, string leadership);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dispatching as {Leadership} failed: {Reason}; taking over again")]
    private static partial void LogTermFailed(ILogger logger, string leadership, string reason, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leadership {Leadership} was fenced off by {Fence}: this node dispatches nothing until it leads with another leadership")]
    private static partial void LogStayingFenced(ILogger logger, string leadership, string fence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Claiming manual triggers failed: {Reason}")]
    private static partial void LogTriggersFailed(ILogger logger, string reason, Exception exception);
}
