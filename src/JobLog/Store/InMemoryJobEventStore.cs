using JobLog.Model;

namespace JobLog.Store;

/// <summary>
/// An event store in memory with the same contract as the Marten one, for property tests and models of a cluster.
/// Time is taken from the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class InMemoryJobEventStore(TimeProvider clock) : IJobEventStore
{
    private readonly Lock _gate = new();
    private readonly List<RecordedEvent> _all = [];
    private readonly Dictionary<JobId, List<RecordedEvent>> _streams = [];

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
            var stream = _streams.GetValueOrDefault(job);
            var actual = stream?.Count ?? 0;
            if (actual != expectedVersion)
                return Task.FromResult<AppendOutcome>(new VersionConflict(actual));

            var recorded = new RecordedEvent(change, actual + 1, _all.Count + 1, clock.GetUtcNow());
            if (stream is null)
                _streams[job] = stream = [];
            stream.Add(recorded);
            _all.Add(recorded);
            return Task.FromResult<AppendOutcome>(new Appended(recorded));
        }
    }

    public Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterSequence);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        lock (_gate)
        {
            var start = (int)Math.Min(afterSequence, _all.Count);
            IReadOnlyList<RecordedEvent> page = _all.GetRange(start, Math.Min(limit, _all.Count - start));
            return Task.FromResult(page);
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
}
