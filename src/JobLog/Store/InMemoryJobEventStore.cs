using JobLog.Model;

namespace JobLog.Store;

/// <summary>
/// An event store in memory with the same contract as the Marten one, for property tests and models of a cluster.
/// Time is taken from the injected <see cref="TimeProvider"/>. Besides events, its global sequence can hold what
/// PostgreSQL leaves there: rows the store writes for itself (<see cref="LeaveFiller"/>), numbers taken by appends
/// still in flight (<see cref="Reserve"/>), and numbers of appends that rolled back (<see cref="RollBack"/>).
/// </summary>
public sealed class InMemoryJobEventStore(TimeProvider clock) : IJobEventStore
{
    private readonly Lock _gate = new();

    // Index i holds sequence number i + 1.
    private readonly List<Position> _positions = [];
    private readonly Dictionary<JobId, List<RecordedEvent>> _streams = [];

    private enum PositionKind
    {
        Event,
        Filler,
        InFlight,
        RolledBack,
    }

    public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(JobId job, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<RecordedEvent> events = _streams.TryGetValue(job, out var stream) ? stream.ToArray() : [];
            return Task.FromResult(events);
        }
    }

    public Task<AppendOutcome> AppendAsync(JobId job, long expectedVersion, IJobEvent change, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        if (change.Job != job)
            throw new ArgumentException($"Event for job {change.Job} appended to stream {job}.", nameof(change));
        lock (_gate)
        {
            // The version is checked before a number is taken, as Marten does with the stream row locked.
            var actual = _streams.GetValueOrDefault(job)?.Count ?? 0;
            if (actual != expectedVersion)
                return Task.FromResult<AppendOutcome>(new VersionConflict(actual));
            _positions.Add(new Position(PositionKind.InFlight, null));
            return Task.FromResult(Commit(_positions.Count, job, expectedVersion, change));
        }
    }

    /// <summary>Takes the next sequence number for an append that has not committed yet: the feed waits there.</summary>
    public long Reserve()
    {
        lock (_gate)
        {
            _positions.Add(new Position(PositionKind.InFlight, null));
            return _positions.Count;
        }
    }

    /// <summary>
    /// Commits an append at the number <see cref="Reserve"/> gave it, checking the version now, as a transaction does
    /// when it commits late. A conflict leaves the number empty for good, as a rolled-back append does.
    /// </summary>
    public Task<AppendOutcome> CommitReserved(long sequence, JobId job, long expectedVersion, IJobEvent change)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        if (change.Job != job)
            throw new ArgumentException($"Event for job {change.Job} appended to stream {job}.", nameof(change));
        lock (_gate)
        {
            EnsureInFlight(sequence);
            return Task.FromResult(Commit(sequence, job, expectedVersion, change));
        }
    }

    /// <summary>The append that took <paramref name="sequence"/> rolled back: no event will ever have that number.</summary>
    public void RollBack(long sequence)
    {
        lock (_gate)
        {
            EnsureInFlight(sequence);
            _positions[(int)sequence - 1] = new Position(PositionKind.RolledBack, null);
        }
    }

    /// <summary>Takes the next number for a row the store writes for itself, as Marten's tombstones after a failed append.</summary>
    public long LeaveFiller()
    {
        lock (_gate)
        {
            _positions.Add(new Position(PositionKind.Filler, null));
            return _positions.Count;
        }
    }

    public Task<FeedPage> ReadAllAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterSequence);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        lock (_gate)
        {
            var events = new List<RecordedEvent>();
            var next = afterSequence;
            while (next < _positions.Count && events.Count < limit)
            {
                var position = _positions[(int)next];
                if (position.Kind == PositionKind.InFlight)
                    return Task.FromResult(new FeedPage(events, next, ReachedEnd: true));
                if (position.Recorded is { } recorded)
                    events.Add(recorded);
                next++;
            }
            return Task.FromResult(new FeedPage(events, next, ReachedEnd: next >= _positions.Count));
        }
    }

    public Task<IReadOnlyDictionary<JobId, long>> StreamVersionsAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyDictionary<JobId, long> versions = _streams.ToDictionary(s => s.Key, s => (long)s.Value.Count);
            return Task.FromResult(versions);
        }
    }

    private AppendOutcome Commit(long sequence, JobId job, long expectedVersion, IJobEvent change)
    {
        var stream = _streams.GetValueOrDefault(job);
        var actual = stream?.Count ?? 0;
        if (actual != expectedVersion)
        {
            _positions[(int)sequence - 1] = new Position(PositionKind.RolledBack, null);
            return new VersionConflict(actual);
        }

        var recorded = new RecordedEvent(change, actual + 1, sequence, clock.GetUtcNow());
        if (stream is null)
            _streams[job] = stream = [];
        stream.Add(recorded);
        _positions[(int)sequence - 1] = new Position(PositionKind.Event, recorded);
        return new Appended(recorded);
    }

    private void EnsureInFlight(long sequence)
    {
        if (sequence < 1 || sequence > _positions.Count || _positions[(int)sequence - 1].Kind != PositionKind.InFlight)
            throw new InvalidOperationException($"Sequence number {sequence} is not held by an append in flight.");
    }

    private readonly record struct Position(PositionKind Kind, RecordedEvent? Recorded);
}
