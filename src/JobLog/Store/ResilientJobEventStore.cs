using System.Diagnostics;
using JobLog.Model;
using JobLog.Telemetry;
using Polly;
using Polly.Registry;

namespace JobLog.Store;

/// <summary>
/// Puts a time limit on every store call and retries only the idempotent reads, through named pipelines.
/// An append is never retried: after a timeout its outcome is unknown and only a re-read can tell.
/// Unreachable or slow stores surface as <see cref="StoreUnavailableException"/>.
/// </summary>
public sealed class ResilientJobEventStore : IJobEventStore
{
    public const string ReadPipeline = "joblog-store-read";
    public const string WritePipeline = "joblog-store-write";

    private readonly IJobEventStore _inner;
    private readonly ResiliencePipeline _read;
    private readonly ResiliencePipeline _write;

    public ResilientJobEventStore(IJobEventStore inner, ResiliencePipelineProvider<string> pipelines)
    {
        _inner = inner;
        _read = pipelines.GetPipeline(ReadPipeline);
        _write = pipelines.GetPipeline(WritePipeline);
    }

    public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(JobId job, CancellationToken cancellationToken) =>
        RunAsync(_read, (store: _inner, job), static (s, ct) => s.store.ReadStreamAsync(s.job, ct),
            "Reading the job's events failed", cancellationToken);

    public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(JobId job, long toVersion, CancellationToken cancellationToken) =>
        RunAsync(_read, (store: _inner, job, toVersion), static (s, ct) => s.store.ReadStreamAsync(s.job, s.toVersion, ct),
            "Reading the job's events failed", cancellationToken);

    public async Task<AppendOutcome> AppendAsync(JobId job, long expectedVersion, IJobEvent change, CancellationToken cancellationToken)
    {
        using var activity = JobLogTelemetry.Source.StartActivity("joblog.store.append");
        activity?.SetTag(JobLogTelemetry.JobIdAttribute, job.Value);
        activity?.SetTag(JobLogTelemetry.EventTypeAttribute, JobEventTypes.NameOf(change));
        var started = Stopwatch.GetTimestamp();
        var outcome = "failed";
        try
        {
            var appended = await RunAsync(_write, (store: _inner, job, expectedVersion, change),
                static (s, ct) => s.store.AppendAsync(s.job, s.expectedVersion, s.change, ct),
                "Appending the event failed; it may or may not have been committed, read the job to find out",
                cancellationToken);
            outcome = appended is Appended ? "committed" : "conflict";
            return appended;
        }
        finally
        {
            activity?.SetTag(JobLogTelemetry.AppendOutcomeAttribute, outcome);
            JobLogTelemetry.StoreAppendDuration.Record(
                Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>(JobLogTelemetry.AppendOutcomeAttribute, outcome));
        }
    }

    public Task<IReadOnlyList<RecordedEvent>> ReadStreamsAsync(IReadOnlyCollection<JobId> jobs, CancellationToken cancellationToken) =>
        RunAsync(_read, (store: _inner, jobs), static (s, ct) => s.store.ReadStreamsAsync(s.jobs, ct),
            "Reading the jobs' events failed", cancellationToken);

    public Task<FeedPage> ReadAllAsync(long afterSequence, int limit, CancellationToken cancellationToken) =>
        RunAsync(_read, (store: _inner, afterSequence, limit), static (s, ct) => s.store.ReadAllAsync(s.afterSequence, s.limit, ct),
            "Reading the event feed failed", cancellationToken);

    public Task<IReadOnlyDictionary<JobId, long>> StreamVersionsAsync(CancellationToken cancellationToken) =>
        RunAsync(_read, _inner, static (store, ct) => store.StreamVersionsAsync(ct),
            "Reading the stream versions failed", cancellationToken);

    private static async Task<T> RunAsync<TState, T>(
        ResiliencePipeline pipeline,
        TState state,
        Func<TState, CancellationToken, Task<T>> call,
        string failure,
        CancellationToken cancellationToken)
    {
        try
        {
            return await pipeline.ExecuteAsync(
                static async (s, ct) => await s.call(s.state, ct),
                (call, state),
                cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && StoreFailures.IsUnavailability(ex))
        {
            throw new StoreUnavailableException($"{failure}: {ex.Message}", ex);
        }
    }
}
