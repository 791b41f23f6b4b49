using System.Collections.Immutable;
using System.Diagnostics;
using JobLog.Model;
using JobLog.Node;
using JobLog.Store;
using JobLog.Telemetry;
using Microsoft.Extensions.Logging;

namespace JobLog.Dispatch.Leader;

/// <summary>
/// One leadership term of the dispatcher: the take-over (fence, unfinished runs, misfires), then ticks that claim what is
/// due and hand it to deliveries, and the claiming of manual triggers. Ticks and trigger polls are called by one loop
/// each; deliveries run as tasks of their own and never hold a tick up. Every write names the term's leadership
/// (<see cref="DispatchFenceToken"/>); a <see cref="FencedException"/> from any write ends the term: it is rethrown from the call that met it, and a delivery that meets it reports it through
/// <c>onFenced</c> so the owner stops the term at once.
/// </summary>
public sealed partial class DispatchTerm
{
    private readonly string _node;
    private readonly IRunStore _runs;
    private readonly IWebhookSender _sender;
    private readonly ScheduleHolder _schedule;
    private readonly IJobEventStore _events;
    private readonly TimeProvider _clock;
    private readonly DispatchOptions _options;
    private readonly InFlightDeliveries _inFlight;
    private readonly ILogger _logger;
    private readonly Action<FencedException> _onFenced;
    private readonly CancellationToken _deliveries;
    private readonly Func<JobDefinition, DispatchPolicy> _policyOf;
    private readonly CrashPoints _crash;

    // The due queue: each due job's next occurrence. Queue items carry a stamp; an item whose stamp is not the job's
    // current one was superseded (the job changed) and is dropped when it comes up.
    private readonly Dictionary<JobId, DueJob> _due = [];
    private readonly PriorityQueue<(JobId Job, long Stamp), (DateTimeOffset At, string Id)> _queue = new(DueOrder.Instance);
    private readonly Dictionary<JobId, DateTimeOffset> _handledUpTo = [];
    private Schedule? _seen;
    private DateTimeOffset _start;
    private long _stamp;
    private volatile bool _fenced;
    private FenceHolder _fencedBy = FenceHolder.Nobody;
    private long _lastLatenessTicks = -1;

    public DispatchTerm(
        string node,
        DispatchFenceToken leadership,
        IRunStore runs,
        IWebhookSender sender,
        ScheduleHolder schedule,
        IJobEventStore events,
        TimeProvider clock,
        DispatchOptions options,
        InFlightDeliveries inFlight,
        ILogger logger,
        Action<FencedException> onFenced,
        CancellationToken deliveries,
        Func<JobDefinition, DispatchPolicy>? policyOf = null)
    {
        _policyOf = policyOf ?? JobPolicies.Of;
        _node = node;
        Leadership = leadership;
        _runs = runs;
        _sender = sender;
        _schedule = schedule;
        _events = events;
        _clock = clock;
        _options = options;
        _inFlight = inFlight;
        _logger = logger;
        _onFenced = onFenced;
        _deliveries = deliveries;
        _crash = new CrashPoints(options);
    }

    /// <summary>The leadership this term dispatches under: every write names it, and is refused once the fence holds another.</summary>
    public DispatchFenceToken Leadership { get; }

    public long Epoch => Leadership.Epoch;

    /// <summary>True once a write of this term was refused by the fence: it claims and begins nothing more.</summary>
    public bool Fenced => _fenced;

    public bool Started { get; private set; }

    public int DueQueueLength { get; private set; }

    public TimeSpan? LastLateness
    {
        get
        {
            var ticks = Interlocked.Read(ref _lastLatenessTicks);
            return ticks >= 0 ? TimeSpan.FromTicks(ticks) : null;
        }
    }

    /// <summary>
    /// Takes over: sets the fence to this leadership, resolves the runs earlier leaders left unfinished, records or runs
    /// the occurrences nobody dispatched (the misfire plans), and builds the due queue from the occurrences after now.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var before = await Fence(() => _runs.TakeOverAsync(_node, Leadership, cancellationToken));
        if (before.Incarnation != Leadership.Incarnation && before != FenceHolder.Nobody)
        {
            // Not an error: ZooKeeper was rebuilt, the election's parent made again, or the store was used by a node
            // without ZooKeeper. But two elections dispatching on one store would take it from each other: say so.
            LogIncarnationChanged(_logger, _node, Leadership.ToString(), before.ToString());
        }
        var now = _clock.GetUtcNow();
        _start = now;
        var schedule = _schedule.Current;
        await ResolveUnfinishedAsync(schedule, now, cancellationToken);
        var resolved = Stopwatch.GetTimestamp();
        var latest = await _runs.LatestScheduledAsync(cancellationToken);
        var since = await _runs.DispatchingSinceAsync(now, cancellationToken);
        var read = Stopwatch.GetTimestamp();
        var catchUpsClaimed = await PlanMisfiresAsync(schedule, latest, since, now, cancellationToken);
        foreach (var (job, at) in latest)
            _handledUpTo[job] = at > now ? at : now;
        Sync(schedule);
        Started = true;
        LogTookOver(_logger, _node, Leadership.Incarnation, Epoch, _due.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            Stopwatch.GetElapsedTime(started, resolved).TotalMilliseconds, Stopwatch.GetElapsedTime(resolved, read).TotalMilliseconds,
            Stopwatch.GetElapsedTime(started, catchUpsClaimed).TotalMilliseconds);
    }

    /// <summary>
    /// Applies schedule changes to the due queue, claims every occurrence due by now plus
    /// <see cref="DispatchOptions.ClaimAhead"/> (in batches) and starts their deliveries, each of which waits for its
    /// instant. Returns when the next tick is due (the next occurrence's instant less the claim's lead), null when no
    /// occurrence is.
    /// </summary>
    public async Task<DateTimeOffset?> TickAsync(CancellationToken cancellationToken)
    {
        ThrowIfFenced();
        Sync(_schedule.Current);
        var now = _clock.GetUtcNow();
        var horizon = now + _options.ClaimAhead;
        var batch = new List<(JobState Job, DateTimeOffset At)>();
        while (_queue.TryPeek(out var item, out var priority) && priority.At <= horizon)
        {
            _queue.Dequeue();
            if (!_due.TryGetValue(item.Job, out var due) || due.Stamp != item.Stamp)
                continue;
            batch.Add((due.Job, due.Next));
            _handledUpTo[item.Job] = due.Next;
            if (due.Times.MoveNext())
                Enqueue(due with { Next = due.Times.Current });
            else
                _due.Remove(item.Job);
            if (batch.Count >= _options.ClaimBatchSize)
            {
                await DispatchAsync(batch, now, cancellationToken);
                batch.Clear();
            }
        }
        if (batch.Count > 0)
            await DispatchAsync(batch, now, cancellationToken);
        DueQueueLength = _due.Count;
        return NextDue() - _options.ClaimAhead;
    }

    /// <summary>Claims the manual triggers waiting for a leader and starts their deliveries.</summary>
    public async Task PollTriggersAsync(CancellationToken cancellationToken)
    {
        ThrowIfFenced();
        foreach (var pending in await _runs.PendingTriggersAsync(cancellationToken))
        {
            ThrowIfFenced();
            var claimed = await Fence(() => _runs.ClaimTriggerAsync(pending.Id, _node, Leadership, _clock.GetUtcNow(), cancellationToken));
            if (claimed is not null)
                StartDelivery(claimed, definition: null);
        }
    }

    private DateTimeOffset? NextDue()
    {
        while (_queue.TryPeek(out var item, out var priority))
        {
            if (_due.TryGetValue(item.Job, out var due) && due.Stamp == item.Stamp)
                return priority.At;
            _queue.Dequeue();
        }
        return null;
    }

    /// <summary>
    /// Brings the due queue in line with a schedule snapshot: a job no longer due leaves it (it stops firing at its next
    /// occurrence), a job new, changed or due again gets its next occurrence after the later of what was handled for it
    /// and its change.
    /// </summary>
    private void Sync(Schedule schedule)
    {
        if (ReferenceEquals(schedule, _seen))
            return;
        var previous = _seen;
        _seen = schedule;
        foreach (var job in schedule.Jobs)
        {
            if (previous?.Find(job.Id) is { } before && ReferenceEquals(before, job))
                continue;
            if (!job.IsDue)
            {
                _due.Remove(job.Id);
                continue;
            }
            if (Timings.Of(job.Definition) is not { } timing)
            {
                _due.Remove(job.Id);
                continue;
            }
            var after = _handledUpTo.TryGetValue(job.Id, out var handled) ? handled : _start;
            if (job.UpdatedAt > after)
                after = job.UpdatedAt;
            var times = timing.OccurrencesAfter(after).GetEnumerator();
            if (times.MoveNext())
                Enqueue(new DueJob(job, times, times.Current, 0));
            else
                _due.Remove(job.Id);
        }
        DueQueueLength = _due.Count;
    }

    private void Enqueue(DueJob due)
    {
        var stamped = due with { Stamp = ++_stamp };
        _due[due.Job.Id] = stamped;
        _queue.Enqueue((due.Job.Id, stamped.Stamp), (stamped.Next, due.Job.Id.Value));
    }

    /// <summary>
    /// One tick's due occurrences: one claim for all, then a delivery per run claimed. The concurrency policy between two
    /// occurrences of a job in the batch is applied here (neither was called); against a run in flight, at the instant.
    /// </summary>
    private async Task DispatchAsync(List<(JobState Job, DateTimeOffset At)> batch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var claims = new List<OccurrenceClaim>();
        var definitions = new Dictionary<OccurrenceClaim, JobState>();
        var skipped = new List<ResolvedOccurrence>();
        // The last occurrence of a job in this batch that is going to run, so a later one in the same batch sees it.
        var runningInBatch = new Dictionary<JobId, int>();
        foreach (var (job, at) in batch)
        {
            var claim = new OccurrenceClaim(job.Id, job.Version, at, RunKind.Scheduled);
            var policy = _policyOf(job.Definition).Concurrency;
            if (runningInBatch.TryGetValue(job.Id, out var earlier))
            {
                if (policy == ConcurrencyPolicy.Forbid)
                {
                    skipped.Add(Skipped(claim, $"previous run (occurrence {RunHeaders.FormatOccurrence(claims[earlier].ScheduledAt)}) still in flight; concurrency policy forbid"));
                    continue;
                }
                if (policy == ConcurrencyPolicy.Replace)
                {
                    // Neither was called yet: the earlier one is replaced before it starts.
                    skipped.Add(Skipped(claims[earlier], $"replaced by the occurrence at {RunHeaders.FormatOccurrence(at)} before it was called"));
                    definitions.Remove(claims[earlier]);
                    claims[earlier] = claim;
                    definitions[claim] = job;
                    continue;
                }
            }
            runningInBatch[job.Id] = claims.Count;
            claims.Add(claim);
            definitions[claim] = job;
        }

        if (claims.Count > 0)
        {
            ThrowIfFenced();
            foreach (var claim in claims)
                _crash.Reached("computed", claim.Job);
            IReadOnlyList<ClaimResult> results;
            using (var activity = JobLogTelemetry.Source.StartActivity("joblog.dispatch.claim"))
            {
                activity?.SetTag("joblog.dispatch.claims", claims.Count);
                activity?.SetTag("joblog.dispatch.epoch", Epoch);
                results = await Fence(() => _runs.ClaimAsync(claims, _node, Leadership, now, cancellationToken));
            }
            foreach (var claim in claims)
                _crash.Reached("claimed", claim.Job);
            foreach (var result in results)
            {
                if (result.Run is { } run)
                    StartDelivery(run, definitions[result.Claim].Definition, applyConcurrency: true);
                // else someone else claimed it: theirs to record
            }
        }
        if (skipped.Count > 0)
        {
            // One write for all: each skip's reason is its own (it names the run in flight), so grouping by reason would
            // be a write per occurrence, a thousand a tick when a thousand jobs a second fall behind.
            ThrowIfFenced();
            var resolved = await Fence(() => _runs.ResolveEachWithoutCallAsync(skipped, _node, Leadership, now, cancellationToken));
            CountResolved(resolved, RunOutcome.Skipped);
        }

        ResolvedOccurrence Skipped(OccurrenceClaim claim, string reason) =>
            new(claim, new RunCompletion(RunOutcome.Skipped, now, null, reason));
    }

    /// <summary>
    /// The job's concurrency policy against its earlier run still in flight, at the run's instant: <c>allow</c> runs
    /// beside it, <c>replace</c> ends it, <c>forbid</c> skips this one (the reason returned) unless it ends by the instant.
    /// </summary>
    private async Task<string?> ApplyConcurrencyAsync(RunRecord run, JobDefinition definition, CancellationToken cancellationToken)
    {
        var policy = _policyOf(definition).Concurrency;
        if (policy == ConcurrencyPolicy.Allow || _inFlight.EarlierOf(run.Job, run.Id) is not { } earlier)
            return null;
        await Task.WhenAny(earlier.Ended, UntilAsync(run.ScheduledAt, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
        if (earlier.Ended.IsCompleted)
            return null;
        if (policy == ConcurrencyPolicy.Replace)
        {
            await ReplaceAsync(earlier.Run, earlier.Cancel, run);
            return null;
        }
        return $"previous run {earlier.Run.Id} (occurrence {RunHeaders.FormatOccurrence(earlier.Run.ScheduledAt)}) still in flight; concurrency policy forbid";
    }

    private async Task ReplaceAsync(RunRecord old, CancellationTokenSource cancel, RunRecord replacement)
    {
        var completion = new RunCompletion(
            RunOutcome.Failed, _clock.GetUtcNow(), null,
            $"replaced by the occurrence at {RunHeaders.FormatOccurrence(replacement.ScheduledAt)}");
        if (await _runs.CompleteAsync(old.Id, completion, _deliveries))
            CountRun(old, RunOutcome.Failed);
        await cancel.CancelAsync();
    }

    /// <summary>
    /// Starts a run's delivery; the caller never waits for the call. The delivery runs on the caller's thread up to its first
    /// wait (its instant, or its attempt's record): queued to the thread pool instead, a take-over's thousand catch-up runs
    /// would each wait behind the others' first steps at every step, the first call behind all of them.
    /// </summary>
    /// <param name="definition">The job's definition at the run's version when the caller has it; else it is looked up.</param>
    /// <param name="applyConcurrency">True for a run the due loop claimed: its job's concurrency policy is applied at its instant.</param>
    private void StartDelivery(RunRecord run, JobDefinition? definition, bool applyConcurrency = false)
    {
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(_deliveries);
        _inFlight.Add(run, cancel);
        _ = DeliverAsync(run, definition, cancel, applyConcurrency);
    }

    private async Task DeliverAsync(RunRecord run, JobDefinition? definition, CancellationTokenSource cancel, bool applyConcurrency)
    {
        try
        {
            // A run claimed ahead waits until its first attempt is due to be recorded; the call waits for the instant.
            await UntilAsync(run.ScheduledAt - _options.BeginAhead, cancel.Token);
            if (applyConcurrency && definition is not null && await ApplyConcurrencyAsync(run, definition, cancel.Token) is { } busy)
            {
                await CompleteAsync(run, RunOutcome.Skipped, null, busy);
                return;
            }
            var (current, atVersion) = await DefinitionsAsync(run, definition, cancel.Token);
            var reason = WhyNotCalled(run, current)
                         ?? (atVersion is null ? $"version {run.JobVersion} of the job is not in the store" : null);
            if (reason is null && run.Kind == RunKind.Scheduled && current!.Version > run.JobVersion)
            {
                // Changed since the claim: the occurrence is called as the job is now if it still fires then.
                if (!FiresAt(current.Definition, run.ScheduledAt))
                    reason = $"the job changed after the occurrence was claimed: version {current.Version} does not fire at {RunHeaders.FormatOccurrence(run.ScheduledAt)}";
                else if (await Fence(() => _runs.RebaseAsync(run.Id, current.Version, _node, Leadership, _deliveries)))
                    (run, atVersion) = (run with { JobVersion = current.Version }, current.Definition);
                else
                {
                    LogAbandoned(_logger, run.Id, run.Job.Value);
                    return;
                }
            }
            if (reason is not null || atVersion is null)
            {
                await CompleteAsync(run, RunOutcome.Skipped, null, reason);
                return;
            }
            var policy = _policyOf(atVersion);
            var request = new DeliveryRequest(
                run.Job, run.JobVersion, run.ScheduledAt, RunHeaders.KeyFor(run), atVersion.Target, policy.Retry,
                run.Attempts + 1, (attempt, token) => BeginAttemptAsync(run, attempt, token));
            DeliveryResult result;
            using (var call = JobLogTelemetry.Source.StartActivity("joblog.dispatch.call"))
            {
                call?.SetTag(JobLogTelemetry.JobIdAttribute, run.Job.Value);
                call?.SetTag("joblog.run.id", run.Id);
                call?.SetTag(JobLogTelemetry.RunKindAttribute, RunNames.NameOf(run.Kind));
                result = await _sender.DeliverAsync(request, cancel.Token);
                call?.SetTag(JobLogTelemetry.RunOutcomeAttribute, RunNames.NameOf(result.Outcome));
                if (result.HttpStatus is { } status)
                    call?.SetTag("http.response.status_code", status);
            }
            _crash.Reached("answered", run.Job);
            if (result.Abandoned)
            {
                LogAbandoned(_logger, run.Id, run.Job.Value);
                return;
            }
            await CompleteAsync(run, result.Outcome, result.HttpStatus, result.Error, result.Attempts);
            _crash.Reached("recorded", run.Job);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // Replaced (its outcome is recorded already) or the node stops: a run left without an outcome is the next
            // leader's to resolve.
        }
        catch (FencedException e)
        {
            OnFenced(e);
        }
        catch (Exception e)
        {
            LogDeliveryFailed(_logger, run.Id, run.Job.Value, e.Message, e);
            await CompleteQuietlyAsync(run, RunOutcome.Failed, $"dispatcher error: {e.Message}");
        }
        finally
        {
            _inFlight.Remove(run.Id);
            cancel.Dispose();
        }
    }

    /// <summary>
    /// Records that an attempt begins; a run's first attempt recorded ahead of its instant is recorded as beginning at the
    /// instant, and is held until then (the sender takes its call slot after this returns).
    /// </summary>
    private async Task<bool> BeginAttemptAsync(RunRecord run, int attempt, CancellationToken cancellationToken)
    {
        if (_fenced)
            return false;
        try
        {
            var now = _clock.GetUtcNow();
            var begun = await _runs.BeginAttemptAsync(run.Id, attempt, _node, Leadership, now > run.ScheduledAt ? now : run.ScheduledAt, cancellationToken);
            if (!begun)
                return false;
            _crash.Reached("begun", run.Job);
            if (attempt == run.Attempts + 1)
            {
                await UntilAsync(run.ScheduledAt, cancellationToken);
                RecordLateness(run);
            }
            return true;
        }
        catch (FencedException e)
        {
            OnFenced(e);
            return false;
        }
    }

    private void RecordLateness(RunRecord run)
    {
        if (run.Kind == RunKind.Manual)
            return;
        var lateness = _clock.GetUtcNow() - run.ScheduledAt;
        Interlocked.Exchange(ref _lastLatenessTicks, Math.Max(0, lateness.Ticks));
        JobLogTelemetry.DispatchLateness.Record(
            Math.Max(0, lateness.TotalSeconds), new KeyValuePair<string, object?>(JobLogTelemetry.RunKindAttribute, RunNames.NameOf(run.Kind)));
    }

    private async Task UntilAsync(DateTimeOffset instant, CancellationToken cancellationToken)
    {
        var wait = instant - _clock.GetUtcNow();
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait, _clock, cancellationToken);
    }

    private static bool FiresAt(JobDefinition definition, DateTimeOffset instant) =>
        Timings.Of(definition)?.OccurrencesAfter(instant - TimeSpan.FromTicks(1)).FirstOrDefault() == instant;

    /// <summary>Why a claimed run must not be called now: its job was paused or deleted after the claim (manual runs: deleted).</summary>
    private static string? WhyNotCalled(RunRecord run, JobState? current) => current switch
    {
        null => "the job does not exist",
        { Status: JobStatus.Deleted } => run.Kind == RunKind.Manual
            ? "the job was deleted before the trigger was dispatched"
            : "the job was deleted after the occurrence was claimed",
        { Enabled: false } when run.Kind != RunKind.Manual => "the job was paused after the occurrence was claimed",
        _ => null,
    };

    /// <summary>The job as it is now and its definition at the run's version (the call uses the version claimed).</summary>
    private async Task<(JobState? Current, JobDefinition? AtVersion)> DefinitionsAsync(
        RunRecord run, JobDefinition? claimed, CancellationToken cancellationToken)
    {
        var current = _schedule.Current.Find(run.Job);
        if (claimed is not null && current is not null)
            return (current, claimed);
        IReadOnlyList<RecordedEvent>? stream = null;
        if (current is null || current.Version < run.JobVersion)
        {
            // This node's schedule lags behind the trigger's node: the store knows.
            stream = await _events.ReadStreamAsync(run.Job, cancellationToken);
            current = JobEvolution.Replay(stream);
        }
        if (claimed is not null)
            return (current, claimed);
        if (current is not null && current.Version == run.JobVersion)
            return (current, current.Definition);
        stream ??= await _events.ReadStreamAsync(run.Job, cancellationToken);
        var then = JobEvolution.Replay(stream.Where(e => e.Version <= run.JobVersion));
        return (current, then?.Version == run.JobVersion ? then.Definition : null);
    }

    private async Task CompleteAsync(RunRecord run, RunOutcome outcome, int? status, string? error, int? attempts = null)
    {
        if (!await _runs.CompleteAsync(run.Id, new RunCompletion(outcome, _clock.GetUtcNow(), status, error), _deliveries))
        {
            LogAlreadyRecorded(_logger, run.Id, run.Job.Value, outcome);
            return;
        }
        CountRun(run, outcome);
        if (outcome != RunOutcome.Succeeded)
            LogRecorded(_logger, run.Id, run.Job.Value, outcome, attempts ?? run.Attempts, error);
    }

    private static void CountRun(RunRecord run, RunOutcome outcome) => CountRun(run.Job, run.Kind, outcome);

    private static void CountRun(JobId job, RunKind kind, RunOutcome outcome) =>
        JobLogTelemetry.DispatchRuns.Add(
            1,
            new KeyValuePair<string, object?>(JobLogTelemetry.JobIdAttribute, job.Value),
            new KeyValuePair<string, object?>(JobLogTelemetry.RunOutcomeAttribute, RunNames.NameOf(outcome)),
            new KeyValuePair<string, object?>(JobLogTelemetry.RunKindAttribute, RunNames.NameOf(kind)));

    /// <summary>Counts the occurrences this term recorded without a call (another leader's records are theirs to count).</summary>
    private static void CountResolved(IReadOnlyList<ClaimResult> resolved, RunOutcome outcome)
    {
        foreach (var result in resolved)
        {
            if (result.Run is not null)
                CountRun(result.Claim.Job, result.Claim.Kind, outcome);
        }
    }

    private async Task CompleteQuietlyAsync(RunRecord run, RunOutcome outcome, string error)
    {
        try
        {
            await CompleteAsync(run, outcome, null, error);
        }
        catch (Exception e)
        {
            LogDeliveryFailed(_logger, run.Id, run.Job.Value, e.Message, e);
        }
    }

    /// <summary>
    /// Runs a deposed leader left without an outcome: one that never began an attempt is adopted and dispatched (or
    /// misfired outside its catch-up window); one with an attempt begun is in doubt and never sent again: once the
    /// deposed leader's call can no longer be live (it may still record the real outcome meanwhile), it is recorded failed.
    /// </summary>
    private async Task ResolveUnfinishedAsync(Schedule schedule, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var orphans = new List<RunRecord>();
        foreach (var run in await _runs.UnfinishedAsync(cancellationToken))
        {
            if (_inFlight.Contains(run.Id))
                continue; // this node's own delivery, still running from an earlier term
            if (run.Attempts == 0)
            {
                // A claim of this very leadership with no delivery running is an earlier term's, ended between claim and
                // call (the store went away, say): it is this term's to dispatch, there is nobody to adopt it from.
                if (run.ClaimedBy == _node && run.ClaimedUnder(Leadership))
                    await CallOrMisfireAsync(run);
                else
                    orphans.Add(run);
                continue;
            }
            var deadline = LiveUntil(run, schedule.Find(run.Job)?.Definition, now);
            _ = Task.Run(() => RecordInDoubtAsync(run, deadline), CancellationToken.None);
        }
        foreach (var chunk in orphans.Chunk(_options.ClaimBatchSize))
        {
            var ids = chunk.Select(r => r.Id).ToList();
            foreach (var adopted in await Fence(() => _runs.AdoptAllAsync(ids, _node, Leadership, now, cancellationToken)))
                await CallOrMisfireAsync(adopted);
        }

        // Within its catch-up window an adopted run is called; older, it is recorded misfired.
        async Task CallOrMisfireAsync(RunRecord adopted)
        {
            var job = schedule.Find(adopted.Job);
            var window = TimeSpan.FromSeconds(_policyOf(job?.Definition ?? DefaultDefinition).CatchUpWindowSeconds);
            if (adopted.Kind != RunKind.Manual && adopted.ScheduledAt < now - window)
                await CompleteAsync(adopted, RunOutcome.Misfired, null,
                    "claimed by a dispatcher that was lost before calling, and now older than the catch-up window");
            else
                StartDelivery(adopted, adopted.JobVersion == job?.Version ? job.Definition : null);
        }
    }

    private static readonly JobDefinition DefaultDefinition = new("", "* * * * *", "UTC",
        new WebhookTarget("http://localhost/", WebhookTarget.DefaultMethod, ImmutableSortedDictionary<string, string>.Empty, null,
            WebhookTarget.DefaultTimeoutSeconds));

    /// <summary>When a call a deposed leader began can no longer be running: its attempts' timeouts and backoffs, bounded.</summary>
    private DateTimeOffset LiveUntil(RunRecord run, JobDefinition? definition, DateTimeOffset now)
    {
        var retry = _policyOf(definition ?? DefaultDefinition).Retry;
        var timeout = TimeSpan.FromSeconds(definition?.Target.TimeoutSeconds ?? WebhookTarget.DefaultTimeoutSeconds);
        var remaining = Math.Max(1, retry.Attempts - run.Attempts + 1);
        var budget = timeout * remaining;
        for (var n = run.Attempts; n < retry.Attempts; n++)
            budget += TimeSpan.FromSeconds(Math.Min(retry.MaxBackoffSeconds, retry.BackoffSeconds * Math.Pow(2, n - 1)) * 1.5);
        if (budget > _options.MaxInDoubtWait)
            budget = _options.MaxInDoubtWait;
        var from = run.StartedAt ?? run.ClaimedAt ?? now;
        return from + budget;
    }

    private async Task RecordInDoubtAsync(RunRecord run, DateTimeOffset deadline)
    {
        try
        {
            var wait = deadline - _clock.GetUtcNow();
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait, _clock, _deliveries);
            if (await _runs.GetAsync(run.Id, _deliveries) is not { Outcome: null } still)
                return;
            await CompleteAsync(still, RunOutcome.Failed, null,
                $"in doubt: dispatcher lost during attempt {still.Attempts}; the target may have received it");
        }
        catch (OperationCanceledException) when (_deliveries.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogDeliveryFailed(_logger, run.Id, run.Job.Value, e.Message, e);
        }
    }

    /// <summary>Records and runs the occurrences nobody dispatched; returns when the catch-up runs were claimed (a timestamp).</summary>
    private async Task<long> PlanMisfiresAsync(
        Schedule schedule, IReadOnlyDictionary<JobId, DateTimeOffset> latest, DateTimeOffset dispatchingSince, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        // Catch-up runs are claimed first, in writes of their own, so their calls do not wait for the records of every
        // occurrence missed before them (1,000 jobs missing ten seconds each: 10,000 rows). A leader lost in between leaves
        // catch-up runs without those records; the next take-over plans from the latest scheduled instant recorded, which
        // catch-up runs do not count, and writes them. A job's records go in one write, so that instant never passes a
        // record that was not written.
        var limits = MisfireLimits.From(_options);
        var catchUps = new List<OccurrenceClaim>();
        var catchUpCount = 0;
        var definitions = new Dictionary<JobId, JobDefinition>();
        var writes = new List<List<ResolvedOccurrence>>();
        var write = new List<ResolvedOccurrence>();
        // Nothing scheduled before dispatching began on this store is owed (a first leader, or an upgrade, would otherwise
        // record every occurrence since each job's last change as missed).
        DateTimeOffset Handled(JobState job) =>
            latest.TryGetValue(job.Id, out var at) && at > dispatchingSince ? at : dispatchingSince;
        var histories = await EarlierStatesAsync(schedule, Handled, cancellationToken);
        foreach (var job in schedule.Jobs)
        {
            var handled = Handled(job);
            var superseded = histories.TryGetValue(job.Id, out var states) ? SupersededMisfires(states, handled, limits) : [];
            var plan = job.IsDue ? MisfirePlanner.Plan(job, _policyOf(job.Definition), handled, now, limits) : MisfirePlan.Nothing;
            catchUps.AddRange(plan.CatchUp.Select(t => new OccurrenceClaim(job.Id, job.Version, t, RunKind.CatchUp)));
            if (plan.CatchUp.Count > 0)
                definitions[job.Id] = job.Definition;
            // Claims are small, the first smaller: the first calls start after a short write, and the next ones while the
            // other jobs are planned.
            if (catchUps.Count >= (catchUpCount == 0 ? FirstCatchUpClaim : CatchUpClaimRows))
                await ClaimCatchUpsAsync();
            write.AddRange(superseded.Select(m => Misfired(job.Id, m.Version, m.Misfire)));
            write.AddRange(plan.Misfired.Select(m => Misfired(job.Id, job.Version, m)));
            if (write.Count >= PlanRowsPerWrite)
            {
                writes.Add(write);
                write = [];
            }
        }
        if (write.Count > 0)
            writes.Add(write);
        await ClaimCatchUpsAsync();
        var claimed = Stopwatch.GetTimestamp();
        // Writes hold different jobs, so they may run side by side: a few at a time, each on a connection of its own.
        await Parallel.ForEachAsync(
            writes, new ParallelOptions { MaxDegreeOfParallelism = PlanWritesAtOnce, CancellationToken = cancellationToken },
            async (records, token) =>
                CountResolved(await Fence(() => _runs.ResolveEachWithoutCallAsync(records, _node, Leadership, now, token)), RunOutcome.Misfired));
        var misfires = writes.Sum(w => w.Count);
        if (misfires > 0 || catchUpCount > 0)
            LogMisfires(_logger, catchUpCount, misfires);
        return claimed;

        async Task ClaimCatchUpsAsync()
        {
            if (catchUps.Count == 0)
                return;
            var claims = catchUps;
            catchUps = [];
            catchUpCount += claims.Count;
            foreach (var result in await Fence(() => _runs.ClaimAsync(claims, _node, Leadership, now, cancellationToken)))
            {
                if (result.Run is { } run)
                    StartDelivery(run, definitions[run.Job]);
            }
        }

        ResolvedOccurrence Misfired(JobId job, long version, PlannedMisfire misfire) => new(
            new OccurrenceClaim(job, version, misfire.At, RunKind.Scheduled), new RunCompletion(RunOutcome.Misfired, now, null, misfire.Reason));
    }

    /// <summary>
    /// The states each job went through up to its current one, for the jobs changed since the latest occurrence recorded
    /// for them: an earlier state may have been due for part of the time nobody dispatched (a job paused, deleted or
    /// changed while no leader was up still owes a record for each occurrence before its change). One read for all.
    /// </summary>
    private async Task<IReadOnlyDictionary<JobId, List<JobState>>> EarlierStatesAsync(
        Schedule schedule, Func<JobState, DateTimeOffset> handled, CancellationToken cancellationToken)
    {
        var changed = schedule.Jobs.Where(job => job.Version > 1 && job.UpdatedAt > handled(job)).ToDictionary(job => job.Id);
        var histories = new Dictionary<JobId, List<JobState>>();
        if (changed.Count == 0)
            return histories;
        foreach (var stream in (await _events.ReadStreamsAsync(changed.Keys, cancellationToken)).GroupBy(e => e.Job))
        {
            var states = new List<JobState>();
            JobState? state = null;
            // Up to the version the schedule holds: the plan for the current state is made from the schedule.
            foreach (var recorded in stream.Where(e => e.Version <= changed[stream.Key].Version))
            {
                state = JobEvolution.Evolve(state, recorded);
                if (state is not null)
                    states.Add(state);
            }
            histories[stream.Key] = states;
        }
        return histories;
    }

    /// <summary>The misfire records owed by every state of a job before its current one (the last of <paramref name="states"/>).</summary>
    private static List<(long Version, PlannedMisfire Misfire)> SupersededMisfires(List<JobState> states, DateTimeOffset handled, MisfireLimits limits)
    {
        var owed = new List<(long, PlannedMisfire)>();
        for (var i = 0; i + 1 < states.Count; i++)
        {
            var until = states[i + 1].UpdatedAt;
            if (until > handled)
                owed.AddRange(MisfirePlanner.Superseded(states[i], handled, until, limits).Select(m => (states[i].Version, m)));
        }
        return owed;
    }

    private void ThrowIfFenced()
    {
        if (_fenced)
            throw new FencedException(Leadership, Volatile.Read(ref _fencedBy));
    }

    private async Task<T> Fence<T>(Func<Task<T>> write)
    {
        try
        {
            return await write();
        }
        catch (FencedException e)
        {
            OnFenced(e);
            throw;
        }
    }

    private void OnFenced(FencedException e)
    {
        if (_fenced)
            return;
        Volatile.Write(ref _fencedBy, e.Fence);
        _fenced = true;
        LogFenced(_logger, Leadership.ToString(), e.Fence.ToString());
        _onFenced(e);
    }

    // Rows of one take-over write (a job's records are never split across writes).
    private const int PlanRowsPerWrite = 2_000;

    // Catch-up runs in the take-over's first claim (about as many as there are call slots), and in each later one.
    private const int FirstCatchUpClaim = 64;
    private const int CatchUpClaimRows = 256;

    // Take-over record writes in flight at once.
    private const int PlanWritesAtOnce = 3;

    private sealed record DueJob(JobState Job, IEnumerator<DateTimeOffset> Times, DateTimeOffset Next, long Stamp);

    private sealed class DueOrder : IComparer<(DateTimeOffset At, string Id)>
    {
        public static readonly DueOrder Instance = new();

        public int Compare((DateTimeOffset At, string Id) a, (DateTimeOffset At, string Id) b)
        {
            var byTime = a.At.UtcDateTime.CompareTo(b.At.UtcDateTime);
            return byTime != 0 ? byTime : string.CompareOrdinal(a.Id, b.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} took over dispatching in incarnation {Incarnation} with epoch {Epoch}; {DueJobs} jobs due; "
                                                           + "the take-over took {Milliseconds:0} ms (fence and unfinished runs {ResolveMilliseconds:0} ms, "
                                                           + "latest occurrences {ReadMilliseconds:0} ms, catch-up runs claimed at {CatchUpMilliseconds:0} ms, "
                                                           + "the rest writing misfire records)")]
    private static partial void LogTookOver(
        ILogger logger, string node, string incarnation, long epoch, int dueJobs, double milliseconds, double resolveMilliseconds, double readMilliseconds,
        double catchUpMilliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} took the dispatch fence as {Leadership} from another incarnation: it held {Previous}")]
    private static partial void LogIncarnationChanged(ILogger logger, string node, string leadership, string previous);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leadership {Leadership} is fenced off (the fence holds {Fence}): dispatching stops at once")]
    private static partial void LogFenced(ILogger logger, string leadership, string fence);

    [LoggerMessage(Level = LogLevel.Information, Message = "Take-over: {CatchUps} catch-up runs started, {Misfires} occurrences recorded as misfired")]
    private static partial void LogMisfires(ILogger logger, int catchUps, int misfires);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} of job {JobId} abandoned: it is no longer this dispatcher's to call")]
    private static partial void LogAbandoned(ILogger logger, long runId, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId} of job {JobId}: the delivery failed: {Reason}")]
    private static partial void LogDeliveryFailed(ILogger logger, long runId, string jobId, string reason, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Run {RunId} of job {JobId} had an outcome already; {Outcome} not recorded")]
    private static partial void LogAlreadyRecorded(ILogger logger, long runId, string jobId, RunOutcome outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} of job {JobId}: {Outcome} after {Attempts} attempts: {Error}")]
    private static partial void LogRecorded(ILogger logger, long runId, string jobId, RunOutcome outcome, int attempts, string? error);
}
