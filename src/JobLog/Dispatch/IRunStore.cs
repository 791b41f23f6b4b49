using JobLog.Model;

namespace JobLog.Dispatch;

/// <summary>
/// Where runs are claimed and recorded (PostgreSQL in a node; one in memory for tests). Every write a dispatcher makes
/// names its leadership (<see cref="DispatchFenceToken"/>: incarnation and epoch) and is refused with
/// <see cref="FencedException"/> unless the fence holds exactly that leadership, so a deposed leader that still
/// believes it leads can neither claim nor begin a call once another has taken over.
/// </summary>
public interface IRunStore
{
    /// <summary>
    /// Sets the fence to <paramref name="leadership"/> as a new leader starts dispatching; returns what it held before. Throws
    /// <see cref="FencedException"/> when a larger epoch of the same incarnation holds it. A leader of another incarnation
    /// may take over: epochs of different elections cannot be compared, and the election the caller won now is the
    /// authority (after a ZooKeeper reset the old one is gone).
    /// </summary>
    Task<FenceHolder> TakeOverAsync(string node, DispatchFenceToken leadership, CancellationToken cancellationToken);

    /// <summary>
    /// The instant dispatching began on this store: <paramref name="now"/> the first time any leader asks, the same instant
    /// ever after. Nothing scheduled before it is owed: occurrences from before JobLog dispatched are not misfires.
    /// </summary>
    Task<DateTimeOffset> DispatchingSinceAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Claims occurrences under a uniqueness constraint on (job, scheduled instant) for scheduled and catch-up runs: each
    /// occurrence is claimed at most once, whoever asks. Returns one result per claim, in order.
    /// </summary>
    Task<IReadOnlyList<ClaimResult>> ClaimAsync(
        IReadOnlyList<OccurrenceClaim> claims, string node, DispatchFenceToken leadership, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Records that attempt <paramref name="attempt"/> of a run the caller owns begins now, before the request is sent.
    /// False when the run is no longer the caller's to call (it has an outcome, or a new leader took it over).
    /// </summary>
    Task<bool> BeginAttemptAsync(long runId, int attempt, string node, DispatchFenceToken leadership, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a run the caller claimed and has not begun to call onto <paramref name="jobVersion"/> of its job (the job
    /// changed between the claim and the occurrence's instant, and still fires then). False when the run is no longer the
    /// caller's or an attempt was begun.
    /// </summary>
    Task<bool> RebaseAsync(long runId, long jobVersion, string node, DispatchFenceToken leadership, CancellationToken cancellationToken);

    /// <summary>
    /// Records a run's outcome; the first outcome recorded stands (false when the run had one already, or when no dispatcher
    /// claimed it: a pending trigger gets its outcome from the call it waits for).
    /// </summary>
    Task<bool> CompleteAsync(long runId, RunCompletion completion, CancellationToken cancellationToken);

    /// <summary>
    /// Records outcomes that need no call (skipped, misfired, refused before any attempt) for occurrences nobody claimed
    /// yet: claim and outcome in one write, under the same uniqueness and fence as <see cref="ClaimAsync"/>.
    /// </summary>
    Task<IReadOnlyList<ClaimResult>> ResolveWithoutCallAsync(
        IReadOnlyList<OccurrenceClaim> claims, RunCompletion completion, string node, DispatchFenceToken leadership, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="ResolveWithoutCallAsync"/> for occurrences with an outcome each (misfires, skips with their own reasons),
    /// in one write, all or nothing, claimed at <paramref name="now"/>. Returns one result per occurrence, in order.
    /// </summary>
    Task<IReadOnlyList<ClaimResult>> ResolveEachWithoutCallAsync(
        IReadOnlyList<ResolvedOccurrence> resolved, string node, DispatchFenceToken leadership, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// For every job with a scheduled run (misfire records included): the latest scheduled instant recorded, where the next
    /// take-over's plan starts. Catch-up runs do not count: a take-over claims them before it records the occurrences
    /// missed before them, so one lost in between leaves catch-up runs that prove nothing about those records.
    /// </summary>
    Task<IReadOnlyDictionary<JobId, DateTimeOffset>> LatestScheduledAsync(CancellationToken cancellationToken);

    /// <summary>Runs claimed but without an outcome, whoever claimed them (what a new leader resolves).</summary>
    Task<IReadOnlyList<RunRecord>> UnfinishedAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Takes over an unfinished run that never began an attempt and was claimed by another leadership than the caller's
    /// (the caller holds the fence, so any other claimer is deposed; a run claimed before incarnations were recorded is
    /// another's too), so it can be dispatched by the caller. Null when it is not in that state any more.
    /// </summary>
    Task<RunRecord?> AdoptAsync(long runId, string node, DispatchFenceToken leadership, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary><see cref="AdoptAsync"/> for many runs in one write (a take-over after a leader lost in a burst); returns those adopted.</summary>
    Task<IReadOnlyList<RunRecord>> AdoptAllAsync(
        IReadOnlyList<long> runIds, string node, DispatchFenceToken leadership, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Records a manual trigger, unclaimed, for the leader to dispatch; any node may call this.</summary>
    Task<RunRecord> RequestTriggerAsync(JobId job, long jobVersion, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Manual triggers no dispatcher has claimed yet, oldest first.</summary>
    Task<IReadOnlyList<RunRecord>> PendingTriggersAsync(CancellationToken cancellationToken);

    /// <summary>Claims a pending trigger for the caller; null when it was claimed already.</summary>
    Task<RunRecord?> ClaimTriggerAsync(long runId, string node, DispatchFenceToken leadership, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Waits until a trigger may have been requested (a notification) or the token is cancelled; may return early.</summary>
    Task WaitForTriggerAsync(CancellationToken cancellationToken);

    Task<RunRecord?> GetAsync(long runId, CancellationToken cancellationToken);

    Task<RunPage> QueryAsync(RunQuery query, CancellationToken cancellationToken);
}
