using JobLog.Model;
using JobLog.Store;

namespace JobLog.Integration.Api;

/// <summary>An event store whose every call fails with the exception <paramref name="failure"/> makes.</summary>
public sealed class FailingStore(Func<Exception> failure) : IJobEventStore
{
    public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(JobId job, CancellationToken cancellationToken) =>
        Task.FromException<IReadOnlyList<RecordedEvent>>(failure());

    public Task<AppendOutcome> AppendAsync(JobId job, long expectedVersion, IJobEvent change, CancellationToken cancellationToken) =>
        Task.FromException<AppendOutcome>(failure());

    public Task<IReadOnlyList<RecordedEvent>> ReadStreamsAsync(IReadOnlyCollection<JobId> jobs, CancellationToken cancellationToken) =>
        Task.FromException<IReadOnlyList<RecordedEvent>>(failure());

    public Task<FeedPage> ReadAllAsync(long afterSequence, int limit, CancellationToken cancellationToken) =>
        Task.FromException<FeedPage>(failure());

    public Task<IReadOnlyDictionary<JobId, long>> StreamVersionsAsync(CancellationToken cancellationToken) =>
        Task.FromException<IReadOnlyDictionary<JobId, long>>(failure());
}
