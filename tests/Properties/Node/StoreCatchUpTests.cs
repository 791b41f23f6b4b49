using System.Collections.Immutable;
using JobLog.Node;
using JobLog.Store;
using JobLog.Testing;

namespace JobLog.Properties.Node;

/// <summary>The catch-up against an in-memory store whose feed can hide events, as out-of-order sequence commits do.</summary>
public sealed class StoreCatchUpTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static readonly Provenance By = new("tester", "node-x", null);

    [Fact]
    public async Task Loading_folds_every_stream_and_marks_the_node_loaded()
    {
        var store = new FeedHidingStore(new HashSet<long>());
        var (holder, catchUp, status, _) = CatchUpNode.Over(store);
        var a = JobId.Parse("a");
        var b = JobId.Parse("b");
        await store.AppendAsync(a, 0, Added(a), CancellationToken.None);
        await store.AppendAsync(b, 0, Added(b), CancellationToken.None);
        await store.AppendAsync(a, 1, new JobPaused(a, By), CancellationToken.None);

        await catchUp.LoadAsync(CancellationToken.None);

        Assert.True(status.IsLoaded);
        Assert.Equal(3, status.TailSequence);
        Assert.Equal(2, holder.Current.VersionOf(a));
        Assert.False(holder.Current.Find(a)!.Enabled);
        Assert.Equal(1, holder.Current.VersionOf(b));
    }

    [Fact]
    public async Task An_event_the_feed_skipped_is_repaired_from_the_store_as_soon_as_a_later_one_shows_the_gap()
    {
        var store = new FeedHidingStore(new HashSet<long> { 2 });
        var (holder, catchUp, _, _) = CatchUpNode.Over(store);
        var a = JobId.Parse("a");
        await store.AppendAsync(a, 0, Added(a), CancellationToken.None);
        await catchUp.LoadAsync(CancellationToken.None);
        await store.AppendAsync(a, 1, new JobPaused(a, By), CancellationToken.None);
        await store.AppendAsync(a, 2, new JobResumed(a, By), CancellationToken.None);

        await catchUp.TailAsync(CancellationToken.None);

        Assert.Equal(3, holder.Current.VersionOf(a));
        Assert.Equal(Schedule.Fold(await store.ReadStreamAsync(a, CancellationToken.None)).Find(a), holder.Current.Find(a));
    }

    [Fact]
    public async Task An_event_the_feed_skipped_with_nothing_after_it_is_repaired_by_the_reconcile()
    {
        var store = new FeedHidingStore(new HashSet<long> { 3 });
        var (holder, catchUp, _, _) = CatchUpNode.Over(store);
        var a = JobId.Parse("a");
        await store.AppendAsync(a, 0, Added(a), CancellationToken.None);
        await catchUp.LoadAsync(CancellationToken.None);
        await store.AppendAsync(a, 1, new JobPaused(a, By), CancellationToken.None);
        await store.AppendAsync(a, 2, new JobResumed(a, By), CancellationToken.None);

        await catchUp.TailAsync(CancellationToken.None);
        Assert.Equal(2, holder.Current.VersionOf(a));

        await catchUp.ReconcileAsync(CancellationToken.None);

        Assert.Equal(3, holder.Current.VersionOf(a));
        Assert.Equal(Schedule.Fold(await store.ReadStreamAsync(a, CancellationToken.None)).Find(a), holder.Current.Find(a));
    }

    [Fact]
    public async Task A_nudge_makes_the_running_loop_tail_before_its_interval()
    {
        var store = new FeedHidingStore(new HashSet<long>());
        var (holder, catchUp, status, _) = CatchUpNode.Over(store, TimeSpan.FromMinutes(5));
        using var stop = new CancellationTokenSource();
        await catchUp.StartAsync(stop.Token);
        try
        {
            await Eventually(() => status.IsLoaded, Patience, "loaded");
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

    [Fact]
    public async Task One_tail_folds_every_event_behind_any_number_of_fillers_and_dead_numbers()
    {
        var store = new InMemoryJobEventStore(TimeProvider.System);
        var counter = new StreamReadCounter(store);
        var (holder, catchUp, status, _) = CatchUpNode.Over(counter);
        var jobs = Enumerable.Range(0, 5).Select(i => JobId.Parse($"job-{i}")).ToList();
        foreach (var job in jobs)
        {
            for (var i = 0; i < 7; i++)
                store.LeaveFiller();
            store.RollBack(store.Reserve());
            await store.AppendAsync(job, 0, Added(job), CancellationToken.None);
        }

        await catchUp.TailAsync(CancellationToken.None);

        Assert.Equal(jobs.Count, holder.Current.Count);
        Assert.Equal(jobs.Count * 9, status.TailSequence);
        Assert.Empty(counter.StreamsPerRead);
    }

    [Fact]
    public async Task Loading_behind_fillers_reads_no_stream_again()
    {
        var store = new InMemoryJobEventStore(TimeProvider.System);
        var counter = new StreamReadCounter(store);
        var (holder, catchUp, status, _) = CatchUpNode.Over(counter);
        for (var i = 0; i < 20; i++)
        {
            var job = JobId.Parse($"job-{i}");
            store.LeaveFiller();
            await store.AppendAsync(job, 0, Added(job), CancellationToken.None);
        }

        await catchUp.LoadAsync(CancellationToken.None);

        Assert.Equal(20, holder.Current.Count);
        Assert.Empty(counter.StreamsPerRead);
    }

    [Fact]
    public async Task The_tail_waits_before_a_number_an_append_in_flight_holds_and_folds_its_event_once_it_commits()
    {
        var store = new InMemoryJobEventStore(TimeProvider.System);
        var (holder, catchUp, status, _) = CatchUpNode.Over(store);
        var a = JobId.Parse("a");
        var b = JobId.Parse("b");
        await store.AppendAsync(a, 0, Added(a), CancellationToken.None);
        var inFlight = store.Reserve();
        await store.AppendAsync(b, 0, Added(b), CancellationToken.None);

        await catchUp.TailAsync(CancellationToken.None);
        Assert.Equal(inFlight - 1, status.TailSequence);
        Assert.Null(holder.Current.Find(b));

        await store.CommitReserved(inFlight, a, 1, new JobPaused(a, By));
        await catchUp.TailAsync(CancellationToken.None);

        Assert.Equal(2, holder.Current.VersionOf(a));
        Assert.Equal(1, holder.Current.VersionOf(b));
        Assert.Equal(inFlight + 1, status.TailSequence);
    }

    [Fact]
    public async Task The_tail_passes_the_number_of_an_append_that_rolled_back()
    {
        var store = new InMemoryJobEventStore(TimeProvider.System);
        var (holder, catchUp, status, _) = CatchUpNode.Over(store);
        var b = JobId.Parse("b");
        var inFlight = store.Reserve();
        await store.AppendAsync(b, 0, Added(b), CancellationToken.None);
        await catchUp.TailAsync(CancellationToken.None);

        store.RollBack(inFlight);
        await catchUp.TailAsync(CancellationToken.None);

        Assert.Equal(1, holder.Current.VersionOf(b));
        Assert.Equal(inFlight + 1, status.TailSequence);
    }

    [Fact]
    public async Task Streams_the_feed_left_behind_are_read_again_many_per_store_read()
    {
        var store = new FeedHidingStore(Enumerable.Range(1, 7).Select(s => (long)s).ToHashSet());
        var counter = new StreamReadCounter(store);
        var (holder, catchUp, status, _) = CatchUpNode.Over(counter, repairBatchSize: 3);
        for (var i = 0; i < 7; i++)
        {
            var job = JobId.Parse($"job-{i}");
            await store.AppendAsync(job, 0, Added(job), CancellationToken.None);
        }

        await catchUp.LoadAsync(CancellationToken.None);

        Assert.Equal(7, holder.Current.Count);
        Assert.Equal([3, 3, 1], counter.StreamsPerRead);
    }

    private static JobAdded Added(JobId job) => new(job,
        new JobDefinition("n", "0 3 * * *", "UTC",
            new WebhookTarget("https://example.test/h", "POST", ImmutableSortedDictionary<string, string>.Empty, null, 30)),
        true, By);
}
