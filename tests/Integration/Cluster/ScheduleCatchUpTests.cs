using System.Collections.Immutable;
using JobLog.Cluster;
using JobLog.Model;
using JobLog.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly.Registry;
using Xunit;

namespace JobLog.Integration.Cluster;

/// <summary>The catch-up against a store whose feed can hide events, as out-of-order sequence commits do.</summary>
public sealed class ScheduleCatchUpTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static readonly Provenance By = new("tester", "node-x", null);

    [Fact]
    public async Task Loading_folds_every_stream_and_marks_the_node_loaded()
    {
        var (store, holder, catchUp) = Build();
        var a = JobId.Parse("a");
        var b = JobId.Parse("b");
        await store.AppendAsync(a, 0, Added(a), CancellationToken.None);
        await store.AppendAsync(b, 0, Added(b), CancellationToken.None);
        await store.AppendAsync(a, 1, new JobPaused(a, By), CancellationToken.None);

        await catchUp.LoadAsync(CancellationToken.None);

        Assert.True(holder.IsLoaded);
        Assert.Equal(3, holder.TailSequence);
        Assert.Equal(2, holder.Current.VersionOf(a));
        Assert.False(holder.Current.Find(a)!.Enabled);
        Assert.Equal(1, holder.Current.VersionOf(b));
    }

    [Fact]
    public async Task An_event_the_feed_skipped_is_repaired_by_the_reconcile()
    {
        var (store, holder, catchUp) = Build();
        var a = JobId.Parse("a");
        await store.AppendAsync(a, 0, Added(a), CancellationToken.None);
        await catchUp.LoadAsync(CancellationToken.None);
        store.HideFromFeed = 2;
        await store.AppendAsync(a, 1, new JobPaused(a, By), CancellationToken.None);
        store.HideFromFeed = null;
        await store.AppendAsync(a, 2, new JobResumed(a, By), CancellationToken.None);

        var gaps = await catchUp.TailAsync(CancellationToken.None);
        Assert.Contains(a, gaps);
        Assert.Equal(1, holder.Current.VersionOf(a));

        await catchUp.ReconcileAsync(CancellationToken.None);

        Assert.Equal(3, holder.Current.VersionOf(a));
        Assert.Equal(Schedule.Fold(await store.ReadStreamAsync(a, CancellationToken.None)).Find(a), holder.Current.Find(a));
    }

    [Fact]
    public async Task A_nudge_makes_the_running_loop_tail_before_its_interval()
    {
        var (store, holder, catchUp) = Build(TimeSpan.FromMinutes(5));
        using var stop = new CancellationTokenSource();
        await catchUp.StartAsync(stop.Token);
        try
        {
            await Eventually(() => holder.IsLoaded, Patience, "loaded");
            var a = JobId.Parse("a");
            await store.AppendAsync(a, 0, Added(a), CancellationToken.None);

            catchUp.Nudge();

            await Eventually(() => holder.Current.VersionOf(a) == 1, Patience, "the nudge tails the feed");
        }
        finally
        {
            await catchUp.StopAsync(CancellationToken.None);
        }
    }

    private static (HidingStore Store, ScheduleHolder Holder, ScheduleCatchUp CatchUp) Build(TimeSpan? tail = null)
    {
        var store = new HidingStore();
        var services = new ServiceCollection();
        services.AddOptions<StoreResilienceOptions>();
        services.AddStoreResiliencePipelines();
        var provider = services.BuildServiceProvider();
        var resilient = new ResilientJobEventStore(store, provider.GetRequiredService<ResiliencePipelineProvider<string>>());
        var holder = new ScheduleHolder(TimeProvider.System);
        var options = Options.Create(new CatchUpOptions { TailInterval = tail ?? TimeSpan.FromMilliseconds(50), PageSize = 2 });
        var catchUp = new ScheduleCatchUp(resilient, holder, TimeProvider.System, options, NullLogger<ScheduleCatchUp>.Instance);
        return (store, holder, catchUp);
    }

    private static JobAdded Added(JobId job) => new(job,
        new JobDefinition("n", "0 3 * * *", "UTC",
            new WebhookTarget("https://example.test/h", "POST", ImmutableSortedDictionary<string, string>.Empty, null, 30)),
        true, By);

    /// <summary>An in-memory store whose global feed leaves out one sequence, as a late commit would.</summary>
    private sealed class HidingStore : IJobEventStore
    {
        private readonly InMemoryJobEventStore _inner = new(TimeProvider.System);

        public long? HideFromFeed { get; set; }

        private long? _hidden;

        public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(JobId job, CancellationToken cancellationToken) =>
            _inner.ReadStreamAsync(job, cancellationToken);

        public async Task<AppendOutcome> AppendAsync(JobId job, long expectedVersion, IJobEvent change, CancellationToken cancellationToken)
        {
            var outcome = await _inner.AppendAsync(job, expectedVersion, change, cancellationToken);
            if (HideFromFeed is not null && outcome is Appended appended)
                _hidden = appended.Recorded.Sequence;
            return outcome;
        }

        public async Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(long afterSequence, int limit, CancellationToken cancellationToken) =>
            (await _inner.ReadAllAsync(afterSequence, limit, cancellationToken)).Where(e => e.Sequence != _hidden).ToList();

        public Task<IReadOnlyDictionary<JobId, long>> StreamVersionsAsync(CancellationToken cancellationToken) =>
            _inner.StreamVersionsAsync(cancellationToken);
    }
}
