using JobLog.Store;
using JobLog.Testing;

namespace JobLog.Properties.Node;

public sealed class CatchUpProperties
{
    [Property(MaxTest = 1000, Arbitrary = [typeof(JobArbitraries)])]
    public async Task<bool> A_node_ends_with_the_fold_of_the_store_whatever_events_its_feed_missed(MissedFeed missed)
    {
        var store = new FeedHidingStore(missed.Hidden);
        var (holder, catchUp, status, _) = CatchUpNode.Over(store);
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

    [Property(MaxTest = 300, Arbitrary = [typeof(JobArbitraries)])]
    public async Task<bool> A_node_folds_every_event_from_the_feed_alone_whatever_fillers_dead_numbers_and_late_commits_surround_them(
        NoisyFeed noisy)
    {
        var store = new InMemoryJobEventStore(TimeProvider.System);
        var counter = new StreamReadCounter(store);
        var (holder, catchUp, status, _) = CatchUpNode.Over(counter);
        var events = noisy.History.Events;
        var neverPassedAnAppendInFlight = true;
        if (noisy.Loaded == 0)
            await catchUp.LoadAsync(CancellationToken.None);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            switch (noisy.NoiseAt(i))
            {
                case FeedNoise.FillerBefore:
                    store.LeaveFiller();
                    break;
                case FeedNoise.RolledBackBefore:
                    store.RollBack(store.Reserve());
                    break;
                case FeedNoise.CommittedLate:
                    var reserved = store.Reserve();
                    store.LeaveFiller();
                    await catchUp.TailAsync(CancellationToken.None);
                    neverPassedAnAppendInFlight &= status.TailSequence < reserved;
                    await store.CommitReserved(reserved, e.Job, e.Version - 1, e.Event);
                    break;
            }
            if (noisy.NoiseAt(i) != FeedNoise.CommittedLate)
                await store.AppendAsync(e.Job, e.Version - 1, e.Event, CancellationToken.None);
            if (i + 1 == noisy.Loaded)
                await catchUp.LoadAsync(CancellationToken.None);
        }
        await catchUp.TailAsync(CancellationToken.None);

        var everything = await store.ReadAllAsync(0, int.MaxValue, CancellationToken.None);
        return neverPassedAnAppendInFlight
               && counter.StreamsPerRead.Count == 0
               && SameBytes(Schedule.Fold(everything.Events), holder.Current);
    }

    private static bool SameBytes(Schedule expected, Schedule actual) =>
        ScheduleSerializer.ToCanonicalJson(expected).AsSpan().SequenceEqual(ScheduleSerializer.ToCanonicalJson(actual));
}
