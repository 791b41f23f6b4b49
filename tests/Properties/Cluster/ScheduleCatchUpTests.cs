using System.Collections.Immutable;
using JobLog.Cluster;

namespace JobLog.Properties.Cluster;

/// <summary>The catch-up against an in-memory store whose feed can hide events, as out-of-order sequence commits do.</summary>
public sealed class ScheduleCatchUpTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static readonly Provenance By = new("tester", "node-x", null);

    [Fact]
    public async Task Loading_folds_every_stream_and_marks_the_node_loaded()
    {
        var store = new FeedHidingStore(new HashSet<long>());
        var (holder, catchUp) = CatchUpNode.Over(store);
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
        var store = new FeedHidingStore(new HashSet<long> { 2 });
        var (holder, catchUp) = CatchUpNode.Over(store);
        var a = JobId.Parse("a");
        await store.AppendAsync(a, 0, Added(a), CancellationToken.None);
        await catchUp.LoadAsync(CancellationToken.None);
        await store.AppendAsync(a, 1, new JobPaused(a, By), CancellationToken.None);
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
        var store = new FeedHidingStore(new HashSet<long>());
        var (holder, catchUp) = CatchUpNode.Over(store, TimeSpan.FromMinutes(5));
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

    private static JobAdded Added(JobId job) => new(job,
        new JobDefinition("n", "0 3 * * *", "UTC",
            new WebhookTarget("https://example.test/h", "POST", ImmutableSortedDictionary<string, string>.Empty, null, 30)),
        true, By);
}
