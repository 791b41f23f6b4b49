using JobLog.Model;

namespace JobLog.Store;

/// <summary>
/// The source of truth: one stream per job (stream id = job id), every write at an expected version.
/// Marten on PostgreSQL in production; <see cref="InMemoryJobEventStore"/> where a model stands in for it.
/// </summary>
public interface IJobEventStore
{
    /// <summary>Every event of the job in version order; empty when the job never existed.</summary>
    Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(JobId job, CancellationToken cancellationToken);

    /// <summary>
    /// The job's events up to and including version <paramref name="toVersion"/>, in version order: what a replay
    /// of an old version needs without reading the rest. Stores that can read a prefix natively override this.
    /// </summary>
    async Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(JobId job, long toVersion, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(toVersion);
        var stream = await ReadStreamAsync(job, cancellationToken);
        return stream.Count <= toVersion ? stream : stream.Take((int)toVersion).ToArray();
    }

    /// <summary>
    /// Appends <paramref name="change"/> as version <paramref name="expectedVersion"/> + 1, or reports the
    /// stream's actual version when it is not at <paramref name="expectedVersion"/> (0 = the stream must not exist).
    /// Returns only after the event is committed.
    /// </summary>
    Task<AppendOutcome> AppendAsync(JobId job, long expectedVersion, IJobEvent change, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> events with a global sequence above <paramref name="afterSequence"/>, in sequence
    /// order, and the position read up to. The page never passes a sequence number a transaction may still commit, so
    /// a reader that always continues from <see cref="FeedPage.Next"/> sees every committed event exactly once; rows the
    /// store writes for itself and numbers no transaction can commit any more are passed over, not mistaken for the end.
    /// </summary>
    Task<FeedPage> ReadAllAsync(long afterSequence, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Every event of each of <paramref name="jobs"/>, grouped by job and in version order within a job: what a node
    /// re-reads to repair the streams its schedule is behind on. Stores that can read many streams at once override this.
    /// </summary>
    async Task<IReadOnlyList<RecordedEvent>> ReadStreamsAsync(IReadOnlyCollection<JobId> jobs, CancellationToken cancellationToken)
    {
        var events = new List<RecordedEvent>();
        foreach (var job in jobs)
            events.AddRange(await ReadStreamAsync(job, cancellationToken));
        return events;
    }

    /// <summary>The current version of every stream: what a node compares its schedule against to repair missed events.</summary>
    Task<IReadOnlyDictionary<JobId, long>> StreamVersionsAsync(CancellationToken cancellationToken);
}
