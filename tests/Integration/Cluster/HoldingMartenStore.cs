using JasperFx.Events;
using JobLog.Model;
using JobLog.Store;
using Marten;
using Marten.Exceptions;
using Marten.Services;
using Npgsql;

namespace JobLog.Integration.Cluster;

/// <summary>
/// The real cluster's store: Marten on PostgreSQL, except that an append the test asked to hold runs in a transaction
/// left open (its sequence number taken, its row invisible) until <see cref="CommitAsync"/>: meanwhile the feed waits at
/// its number, later appends of other jobs commit before it, and appends to the same job wait for its row lock.
/// </summary>
internal sealed class HoldingMartenStore(MartenJobEventStore store, IDocumentStore documents, string connectionString) : IJobEventStore
{
    private readonly AsyncLocal<HoldRequest?> _hold = new();
    private readonly Lock _gate = new();
    private readonly List<HeldMartenAppend> _held = [];
    private bool _closed;

    public IReadOnlyList<HeldMartenAppend> Held
    {
        get
        {
            lock (_gate)
                return [.. _held];
        }
    }

    public bool HasOpenAppend(JobId job)
    {
        lock (_gate)
            return _held.Any(h => h.Job == job);
    }

    /// <summary>Holds the next append made in the flow that calls this (the write about to start); disposing stops asking.</summary>
    public IDisposable HoldFor(HoldRequest request)
    {
        _hold.Value = request;
        return new Unhold(_hold);
    }

    /// <summary>
    /// Rolls back every held append, and any append still on its way to being held (one waiting for the row lock of
    /// another), when it gets there: a transaction left open would block the next run's emptying of the store for good.
    /// </summary>
    public async Task CloseAsync()
    {
        lock (_gate)
            _closed = true;
        foreach (var held in Held)
            await RollBackAsync(held);
    }

    public async Task CommitAsync(HeldMartenAppend held, bool answer)
    {
        lock (_gate)
            _held.Remove(held);
        await held.Transaction.CommitAsync();
        await DisposeTransactionAsync(held);
        if (!answer)
            return;
        var recorded = (await store.ReadStreamAsync(held.Job, CancellationToken.None)).Single(e => e.Sequence == held.Sequence);
        held.Reply.SetResult(new Appended(recorded));
    }

    public async Task RollBackAsync(HeldMartenAppend held)
    {
        lock (_gate)
            _held.Remove(held);
        await held.Transaction.RollbackAsync();
        await DisposeTransactionAsync(held);
    }

    public async Task<AppendOutcome> AppendAsync(JobId job, long expectedVersion, IJobEvent change, CancellationToken cancellationToken)
    {
        if (_hold.Value is not { } request)
            return await store.AppendAsync(job, expectedVersion, change, cancellationToken);
        _hold.Value = null;
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long sequence;
        try
        {
            await using var session = documents.LightweightSession(SessionOptions.ForTransaction(transaction));
            var action = expectedVersion == 0
                ? session.Events.StartStream(job.Value, change)
                : session.Events.Append(job.Value, expectedVersion + 1, change);
            await session.SaveChangesAsync(cancellationToken);
            sequence = action.Events[0].Sequence;
        }
        catch (Exception e) when (IsVersionConflict(e))
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
            request.Taken.TrySetResult();
            return new VersionConflict((await store.ReadStreamAsync(job, cancellationToken)).Count);
        }
        catch
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
            request.Taken.TrySetResult();
            throw;
        }
        var held = new HeldMartenAppend(request, job, sequence, connection, transaction,
            new TaskCompletionSource<AppendOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        bool closed;
        lock (_gate)
        {
            closed = _closed;
            if (!closed)
                _held.Add(held);
        }
        if (closed)
        {
            await held.Transaction.RollbackAsync(CancellationToken.None);
            await DisposeTransactionAsync(held);
            request.Taken.TrySetResult();
            throw new OperationCanceledException("The run is over; its held appends are rolled back.");
        }
        request.Taken.TrySetResult();
        return await held.Reply.Task;
    }

    public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(JobId job, CancellationToken cancellationToken) =>
        store.ReadStreamAsync(job, cancellationToken);

    public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(JobId job, long toVersion, CancellationToken cancellationToken) =>
        store.ReadStreamAsync(job, toVersion, cancellationToken);

    public Task<IReadOnlyList<RecordedEvent>> ReadStreamsAsync(IReadOnlyCollection<JobId> jobs, CancellationToken cancellationToken) =>
        store.ReadStreamsAsync(jobs, cancellationToken);

    public Task<FeedPage> ReadAllAsync(long afterSequence, int limit, CancellationToken cancellationToken) =>
        store.ReadAllAsync(afterSequence, limit, cancellationToken);

    public Task<IReadOnlyDictionary<JobId, long>> StreamVersionsAsync(CancellationToken cancellationToken) =>
        store.StreamVersionsAsync(cancellationToken);

    private static async Task DisposeTransactionAsync(HeldMartenAppend held)
    {
        await held.Transaction.DisposeAsync();
        await held.Connection.DisposeAsync();
    }

    private static bool IsVersionConflict(Exception e) =>
        e is EventStreamUnexpectedMaxEventIdException
            or Marten.Exceptions.ExistingStreamIdCollisionException
            or JasperFx.Events.ExistingStreamIdCollisionException
        || e.InnerException is { } inner && IsVersionConflict(inner);

    private sealed class Unhold(AsyncLocal<HoldRequest?> hold) : IDisposable
    {
        public void Dispose() => hold.Value = null;
    }
}
