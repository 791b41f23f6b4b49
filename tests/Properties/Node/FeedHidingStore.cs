using JobLog.Store;

namespace JobLog.Properties.Node;

/// <summary>An in-memory store whose global feed leaves out some sequence numbers for good, as late commits can.</summary>
public sealed class FeedHidingStore(IReadOnlySet<long> hidden) : IJobEventStore
{
    private readonly InMemoryJobEventStore _inner = new(TimeProvider.System);

    public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(JobId job, CancellationToken cancellationToken) =>
        _inner.ReadStreamAsync(job, cancellationToken);

    public Task<AppendOutcome> AppendAsync(JobId job, long expectedVersion, IJobEvent change, CancellationToken cancellationToken) =>
        _inner.AppendAsync(job, expectedVersion, change, cancellationToken);

    public async Task<FeedPage> ReadAllAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        var page = await _inner.ReadAllAsync(afterSequence, limit, cancellationToken);
        return page with { Events = page.Events.Where(e => !hidden.Contains(e.Sequence)).ToList() };
    }

    public Task<IReadOnlyDictionary<JobId, long>> StreamVersionsAsync(CancellationToken cancellationToken) =>
        _inner.StreamVersionsAsync(cancellationToken);

    /// <summary>Every event, hidden ones included: what the node must end up folding.</summary>
    public async Task<IReadOnlyList<RecordedEvent>> EverythingAsync(CancellationToken cancellationToken) =>
        (await _inner.ReadAllAsync(0, int.MaxValue, cancellationToken)).Events;
}
