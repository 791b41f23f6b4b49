using JobLog.Model;
using JobLog.Store;

namespace JobLog.Properties.ClusterSim;

/// <summary>
/// The cluster's one store, as every simulated node reaches it: the in-memory store, except that an append the simulation
/// asked to hold takes its sequence number at once and commits only when <see cref="CommitAsync"/> says so. Meanwhile the
/// store's feed waits at its number and later appends commit before it, as concurrent transactions do on PostgreSQL.
/// </summary>
internal sealed class HoldingStore(InMemoryJobEventStore store) : IJobEventStore
{
    private readonly List<HeldAppend> _held = [];
    private SimulatedNode? _holdFor;

    /// <summary>Appends in flight, oldest first.</summary>
    public IReadOnlyList<HeldAppend> Held => _held;

    /// <summary>The next append (made by <paramref name="writer"/>'s write now starting) is held; cleared by <see cref="StopHolding"/>.</summary>
    public void HoldNextFor(SimulatedNode writer) => _holdFor = writer;

    public void StopHolding() => _holdFor = null;

    /// <summary>
    /// Commits a held append at the number it took, checking its expected version now; the writer hears the outcome (and
    /// goes on to mirror and answer its client) only when <paramref name="answer"/>: a crashed writer never does.
    /// </summary>
    public async Task CommitAsync(HeldAppend held, bool answer)
    {
        _held.Remove(held);
        var outcome = await store.CommitReserved(held.Sequence, held.Job, held.ExpectedVersion, held.Change);
        if (answer)
            held.Reply.SetResult(outcome);
    }

    /// <summary>The database rolls the held append back: its number stays empty for good, its writer is never answered.</summary>
    public void RollBack(HeldAppend held)
    {
        _held.Remove(held);
        store.RollBack(held.Sequence);
    }

    public Task<AppendOutcome> AppendAsync(JobId job, long expectedVersion, IJobEvent change, CancellationToken cancellationToken)
    {
        if (_holdFor is not { } writer)
            return store.AppendAsync(job, expectedVersion, change, cancellationToken);
        _holdFor = null;
        // No RunContinuationsAsynchronously: the writer goes on inside the step that commits, deterministically.
        var held = new HeldAppend(writer, store.Reserve(), job, expectedVersion, change, new TaskCompletionSource<AppendOutcome>());
        _held.Add(held);
        return held.Reply.Task;
    }

    public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(JobId job, CancellationToken cancellationToken) =>
        store.ReadStreamAsync(job, cancellationToken);

    public Task<FeedPage> ReadAllAsync(long afterSequence, int limit, CancellationToken cancellationToken) =>
        store.ReadAllAsync(afterSequence, limit, cancellationToken);

    public Task<IReadOnlyDictionary<JobId, long>> StreamVersionsAsync(CancellationToken cancellationToken) =>
        store.StreamVersionsAsync(cancellationToken);
}
