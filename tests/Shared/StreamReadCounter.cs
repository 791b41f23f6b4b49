using System.Collections.Concurrent;
using JobLog.Model;
using JobLog.Store;

namespace JobLog.Testing;

/// <summary>Passes every call to <paramref name="inner"/> and records each read of whole streams: how many, and of how many jobs.</summary>
public sealed class StreamReadCounter(IJobEventStore inner) : IJobEventStore
{
    private readonly ConcurrentQueue<int> _streamsPerRead = new();

    /// <summary>One entry per store call that read whole streams: the number of jobs it read.</summary>
    public IReadOnlyList<int> StreamsPerRead => _streamsPerRead.ToArray();

    public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(JobId job, CancellationToken cancellationToken)
    {
        _streamsPerRead.Enqueue(1);
        return inner.ReadStreamAsync(job, cancellationToken);
    }

    public Task<IReadOnlyList<RecordedEvent>> ReadStreamsAsync(IReadOnlyCollection<JobId> jobs, CancellationToken cancellationToken)
    {
        _streamsPerRead.Enqueue(jobs.Count);
        return inner.ReadStreamsAsync(jobs, cancellationToken);
    }

    public Task<AppendOutcome> AppendAsync(JobId job, long expectedVersion, IJobEvent change, CancellationToken cancellationToken) =>
        inner.AppendAsync(job, expectedVersion, change, cancellationToken);

    public Task<FeedPage> ReadAllAsync(long afterSequence, int limit, CancellationToken cancellationToken) =>
        inner.ReadAllAsync(afterSequence, limit, cancellationToken);

    public Task<IReadOnlyDictionary<JobId, long>> StreamVersionsAsync(CancellationToken cancellationToken) =>
        inner.StreamVersionsAsync(cancellationToken);
}
