namespace JobLog.Properties.Cluster;

public sealed class CatchUpProperties
{
    [Property(MaxTest = 1000, Arbitrary = [typeof(JobArbitraries)])]
    public async Task<bool> A_node_ends_with_the_fold_of_the_store_whatever_events_its_feed_missed(MissedFeed missed)
    {
        var store = new FeedHidingStore(missed.Hidden);
        var (holder, catchUp) = CatchUpNode.Over(store);
        var events = missed.History.Events;
        foreach (var e in events.Take(missed.Loaded))
            await store.AppendAsync(e.Job, e.Version - 1, e.Event, CancellationToken.None);
        await catchUp.LoadAsync(CancellationToken.None);
        var afterLoad = SameBytes(Schedule.Fold(await store.EverythingAsync(CancellationToken.None)), holder.Current);

        foreach (var e in events.Skip(missed.Loaded))
            await store.AppendAsync(e.Job, e.Version - 1, e.Event, CancellationToken.None);
        await catchUp.TailAsync(CancellationToken.None);
        await catchUp.ReconcileAsync(CancellationToken.None);

        return afterLoad && SameBytes(Schedule.Fold(await store.EverythingAsync(CancellationToken.None)), holder.Current);
    }

    private static bool SameBytes(Schedule expected, Schedule actual) =>
        ScheduleSerializer.ToCanonicalJson(expected).AsSpan().SequenceEqual(ScheduleSerializer.ToCanonicalJson(actual));
}
