using JobLog.Model;

namespace JobLog.Dispatch.Runs;

/// <summary>
/// The run store in memory, with the PostgreSQL store's semantics: a fence every dispatcher write checks (it must hold the
/// writer's leadership exactly), one claim per
/// (job, scheduled instant) for scheduled and catch-up runs, the first outcome wins, adoption only of runs that never began
/// an attempt, and a wake-up for manual triggers. Used by nodes on the in-memory event store and by the dispatcher's tests.
/// </summary>
public sealed class InMemoryRunStore : IRunStore
{
    private readonly Lock _gate = new();
    private readonly List<RunRecord> _runs = [];
    private readonly Dictionary<(JobId Job, DateTimeOffset At), long> _occurrences = [];
    private DateTimeOffset? _since;
    private FenceHolder _fence = FenceHolder.Nobody;
    private TaskCompletionSource _triggered = NewSignal();

    /// <summary>The leadership that took over last (<see cref="FenceHolder.Nobody"/> before any).</summary>
    public FenceHolder Fence
    {
        get
        {
            lock (_gate)
                return _fence;
        }
    }

    /// <summary>Every run, oldest first (for tests).</summary>
    public IReadOnlyList<RunRecord> All
    {
        get
        {
            lock (_gate)
                return [.. _runs];
        }
    }

    public Task<FenceHolder> TakeOverAsync(string node, DispatchFenceToken leadership, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var before = _fence;
            if (before.Supersedes(leadership))
                throw new FencedException(leadership, before);
            _fence = new FenceHolder(leadership.Incarnation, leadership.Epoch, node);
            return Task.FromResult(before);
        }
    }

    public Task<DateTimeOffset> DispatchingSinceAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
            return Task.FromResult(_since ??= now);
    }

    public Task<IReadOnlyList<ClaimResult>> ClaimAsync(
        IReadOnlyList<OccurrenceClaim> claims, string node, DispatchFenceToken leadership, DateTimeOffset now, CancellationToken cancellationToken)
    {
        CheckClaims(claims);
        lock (_gate)
        {
            CheckFence(leadership);
            IReadOnlyList<ClaimResult> results = claims
                .Select(claim => new ClaimResult(claim, TryInsert(claim, node, leadership, now, completion: null)))
                .ToList();
            return Task.FromResult(results);
        }
    }

    public Task<bool> BeginAttemptAsync(long runId, int attempt, string node, DispatchFenceToken leadership, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        lock (_gate)
        {
            CheckFence(leadership);
            if (Find(runId) is not { } run
                || run.Outcome is not null
                || run.ClaimedBy != node
                || !run.ClaimedUnder(leadership)
                || attempt <= run.Attempts)
                return Task.FromResult(false);
            Replace(run with { Attempts = attempt, StartedAt = run.StartedAt ?? now });
            return Task.FromResult(true);
        }
    }

    public Task<bool> RebaseAsync(long runId, long jobVersion, string node, DispatchFenceToken leadership, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            CheckFence(leadership);
            if (Find(runId) is not { Outcome: null, Attempts: 0 } run || run.ClaimedBy != node || !run.ClaimedUnder(leadership))
                return Task.FromResult(false);
            Replace(run with { JobVersion = jobVersion });
            return Task.FromResult(true);
        }
    }

    public Task<bool> CompleteAsync(long runId, RunCompletion completion, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // Only a claimed run gets an outcome (as in PostgreSQL): a pending trigger completed by nobody would stay unclaimable.
            if (Find(runId) is not { Outcome: null, ClaimedBy: not null } run)
                return Task.FromResult(false);
            Replace(run with
            {
                Outcome = completion.Outcome,
                EndedAt = completion.EndedAt,
                HttpStatus = completion.HttpStatus,
                Error = completion.Error,
            });
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<ClaimResult>> ResolveWithoutCallAsync(
        IReadOnlyList<OccurrenceClaim> claims, RunCompletion completion, string node, DispatchFenceToken leadership, CancellationToken cancellationToken)
    {
        CheckClaims(claims);
        lock (_gate)
        {
            CheckFence(leadership);
            IReadOnlyList<ClaimResult> results = claims
                .Select(claim => new ClaimResult(claim, TryInsert(claim, node, leadership, completion.EndedAt, completion)))
                .ToList();
            return Task.FromResult(results);
        }
    }

    public Task<IReadOnlyList<ClaimResult>> ResolveEachWithoutCallAsync(
        IReadOnlyList<ResolvedOccurrence> resolved, string node, DispatchFenceToken leadership, DateTimeOffset now, CancellationToken cancellationToken)
    {
        CheckClaims([.. resolved.Select(r => r.Claim)]);
        lock (_gate)
        {
            CheckFence(leadership);
            IReadOnlyList<ClaimResult> results =
                [.. resolved.Select(r => new ClaimResult(r.Claim, TryInsert(r.Claim, node, leadership, r.Completion.EndedAt, r.Completion)))];
            return Task.FromResult(results);
        }
    }

    public Task<IReadOnlyDictionary<JobId, DateTimeOffset>> LatestScheduledAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyDictionary<JobId, DateTimeOffset> latest = _runs
                .Where(r => r.Kind == RunKind.Scheduled)
                .GroupBy(r => r.Job)
                .ToDictionary(g => g.Key, g => g.Max(r => r.ScheduledAt));
            return Task.FromResult(latest);
        }
    }

    public Task<IReadOnlyList<RunRecord>> UnfinishedAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<RunRecord> unfinished = _runs.Where(r => r.InFlight).ToList();
            return Task.FromResult(unfinished);
        }
    }

    public Task<RunRecord?> AdoptAsync(long runId, string node, DispatchFenceToken leadership, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            CheckFence(leadership);
            // The caller holds the fence (checked above), so a run claimed under any other leadership is a deposed one's.
            if (Find(runId) is not { Outcome: null, Attempts: 0, ClaimedBy: not null } run || run.ClaimedUnder(leadership))
                return Task.FromResult<RunRecord?>(null);
            var adopted = Claimed(run, node, leadership, now);
            Replace(adopted);
            return Task.FromResult<RunRecord?>(adopted);
        }
    }

    public async Task<IReadOnlyList<RunRecord>> AdoptAllAsync(
        IReadOnlyList<long> runIds, string node, DispatchFenceToken leadership, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var adopted = new List<RunRecord>();
        foreach (var runId in runIds)
        {
            if (await AdoptAsync(runId, node, leadership, now, cancellationToken) is { } run)
                adopted.Add(run);
        }
        return adopted;
    }

    public Task<RunRecord> RequestTriggerAsync(JobId job, long jobVersion, DateTimeOffset at, CancellationToken cancellationToken)
    {
        TaskCompletionSource fired;
        RunRecord run;
        lock (_gate)
        {
            run = new RunRecord(
                _runs.Count + 1, job, jobVersion, at, RunKind.Manual, Guid.NewGuid(),
                null, null, null, null, null, 0, null, null, null);
            _runs.Add(run);
            fired = _triggered;
            _triggered = NewSignal();
        }
        fired.TrySetResult();
        return Task.FromResult(run);
    }

    public Task<IReadOnlyList<RunRecord>> PendingTriggersAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<RunRecord> pending = _runs
                .Where(r => r.Kind == RunKind.Manual && r.ClaimedBy is null && r.Outcome is null)
                .ToList();
            return Task.FromResult(pending);
        }
    }

    public Task<RunRecord?> ClaimTriggerAsync(long runId, string node, DispatchFenceToken leadership, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            CheckFence(leadership);
            if (Find(runId) is not { Kind: RunKind.Manual, ClaimedBy: null, Outcome: null } run)
                return Task.FromResult<RunRecord?>(null);
            var claimed = Claimed(run, node, leadership, now);
            Replace(claimed);
            return Task.FromResult<RunRecord?>(claimed);
        }
    }

    public Task WaitForTriggerAsync(CancellationToken cancellationToken)
    {
        Task signal;
        lock (_gate)
            signal = _triggered.Task;
        return signal.WaitAsync(cancellationToken);
    }

    public Task<RunRecord?> GetAsync(long runId, CancellationToken cancellationToken)
    {
        lock (_gate)
            return Task.FromResult(Find(runId));
    }

    public Task<RunPage> QueryAsync(RunQuery query, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        lock (_gate)
        {
            var page = Enumerable.Reverse(_runs)
                .Where(r => query.Job is not { } job || r.Job == job)
                .Where(r => query.Before is not { } before || r.Id < before)
                .Where(r => query.Since is not { } since || r.ScheduledAt >= since)
                .Where(r => query.Outcome is not { } outcome || r.Outcome == outcome)
                .Take(query.Limit + 1)
                .ToList();
            var more = page.Count > query.Limit;
            var items = page.Take(query.Limit).ToList();
            return Task.FromResult(new RunPage(items, more ? items[^1].Id : null));
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static void CheckClaims(IReadOnlyList<OccurrenceClaim> claims)
    {
        if (claims.Any(c => c.Kind == RunKind.Manual))
            throw new ArgumentException("Manual runs are requested with RequestTriggerAsync, not claimed as occurrences.", nameof(claims));
    }

    // Under the gate. Every dispatcher write checks the fence in the same critical section as its change, as the
    // PostgreSQL store does in one statement, so a take-over can never fall between the check and the write.
    private void CheckFence(DispatchFenceToken leadership)
    {
        if (!_fence.Holds(leadership))
            throw new FencedException(leadership, _fence);
    }

    private static RunRecord Claimed(RunRecord run, string node, DispatchFenceToken leadership, DateTimeOffset now) =>
        run with { ClaimedBy = node, Incarnation = leadership.Incarnation, Epoch = leadership.Epoch, ClaimedAt = now };

    private RunRecord? TryInsert(OccurrenceClaim claim, string node, DispatchFenceToken leadership, DateTimeOffset now, RunCompletion? completion)
    {
        var key = (claim.Job, claim.ScheduledAt.ToUniversalTime());
        if (_occurrences.ContainsKey(key))
            return null;
        var run = new RunRecord(
            _runs.Count + 1, claim.Job, claim.JobVersion, claim.ScheduledAt, claim.Kind, null,
            node, leadership.Epoch, now, null, completion?.EndedAt, 0, completion?.Outcome, completion?.HttpStatus, completion?.Error,
            leadership.Incarnation);
        _runs.Add(run);
        _occurrences.Add(key, run.Id);
        return run;
    }

    private RunRecord? Find(long runId) => runId >= 1 && runId <= _runs.Count ? _runs[(int)(runId - 1)] : null;

    private void Replace(RunRecord run) => _runs[(int)(run.Id - 1)] = run;
}
