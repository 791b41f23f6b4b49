using JobLog.Dispatch;
using JobLog.Dispatch.Leader;
using JobLog.Node;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace JobLog.Properties.Dispatch;

public sealed class LeaderDispatcherTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    private static LeaderDispatcher Dispatcher(DispatchRig rig, IDispatchLeadership leadership, DispatchOptions? options = null) => new(
        leadership, rig.Watched, rig.Sender, rig.Schedule, rig.Events, rig.Clock,
        Options.Create(options ?? DispatchRig.Options()), Options.Create(new NodeOptions { NodeId = "node-a" }),
        new InFlightDeliveries(), NullLogger<LeaderDispatcher>.Instance);

    // The fake clock moves a little on every look, so the dispatcher's timers fire while the test waits for a condition.
    private static Task Until(DispatchRig rig, Func<bool> condition, string what) =>
        Eventually(() =>
        {
            rig.Clock.Advance(TimeSpan.FromMilliseconds(100));
            return condition();
        }, Within, what);

    [Fact]
    public async Task It_dispatches_only_while_the_node_leads_and_stops_when_leadership_ends()
    {
        var rig = new DispatchRig();
        await rig.AddAsync("job", "* * * * * *");
        var leadership = new SwitchableLeadership { Epoch = 5 };
        using var dispatcher = Dispatcher(rig, leadership);
        await dispatcher.StartAsync(CancellationToken.None);

        await Until(rig, () => rig.Clock.GetUtcNow() > DispatchRig.Start.AddSeconds(3), "three seconds pass");
        Assert.Empty(rig.Runs.All);
        Assert.Null(dispatcher.Snapshot().Epoch);

        leadership.Leads = true;
        await Until(rig, () => rig.Sender.Sent.Count >= 3, "the leader sends three occurrences");
        var leading = dispatcher.Snapshot();
        Assert.True(leading is { Leading: true, Dispatching: true, Epoch: 5, DueQueueLength: 1 }, leading.ToString());
        Assert.NotNull(leading.LastLateness);

        leadership.Leads = false;
        await Until(rig, () => !dispatcher.Snapshot().Dispatching, "dispatching stops");
        var stoppedAt = rig.Clock.GetUtcNow();
        await Until(rig, () => rig.Clock.GetUtcNow() > stoppedAt.AddSeconds(3), "three more seconds pass");
        Assert.DoesNotContain(rig.Runs.All, r => r.ClaimedAt > stoppedAt);
        await dispatcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task It_takes_over_as_soon_as_it_is_elected_and_stops_as_soon_as_it_is_not_without_waiting_for_its_poll()
    {
        var rig = new DispatchRig();
        await rig.AddAsync("job", "* * * * * *");
        var leadership = new SwitchableLeadership { Epoch = 4 };
        // The test's clock stands still: the leadership poll never comes round, only the election's change can wake it.
        using var dispatcher = Dispatcher(rig, leadership, new DispatchOptions { LeadershipPollSeconds = 60, ClaimAheadSeconds = 0 });
        await dispatcher.StartAsync(CancellationToken.None);

        leadership.Leads = true;
        await Eventually(() => dispatcher.Snapshot().Dispatching, Within, "the elected node takes over");
        leadership.Leads = false;
        await Eventually(() => !dispatcher.Snapshot().Dispatching && !dispatcher.Snapshot().Leading, Within, "the deposed node stops");
        leadership.Epoch = 6;
        leadership.Leads = true;
        await Eventually(() => dispatcher.Snapshot() is { Dispatching: true, Epoch: 6 }, Within, "the node elected again takes over");

        Assert.Equal(DispatchRig.Start, rig.Clock.GetUtcNow());
        await dispatcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Fenced_off_by_a_larger_epoch_it_stops_and_dispatches_again_only_under_a_new_leadership()
    {
        var rig = new DispatchRig();
        await rig.AddAsync("job", "* * * * * *");
        var leadership = new SwitchableLeadership { Leads = true, Epoch = 1 };
        using var dispatcher = Dispatcher(rig, leadership);
        await dispatcher.StartAsync(CancellationToken.None);
        await Until(rig, () => rig.Sender.Sent.Count >= 1, "the first leader sends");

        var (usurper, _) = rig.Term("node-b", 2);
        await usurper.StartAsync(CancellationToken.None);
        await Until(rig, () => !dispatcher.Snapshot().Leading, "the fenced dispatcher steps down");
        var fencedAt = rig.Clock.GetUtcNow();
        await Until(rig, () => rig.Clock.GetUtcNow() > fencedAt.AddSeconds(3), "three seconds pass");
        Assert.DoesNotContain(rig.Runs.All, r => r.Epoch == 1 && r.ClaimedAt > fencedAt);
        Assert.Empty(rig.Watched.Breaches);

        leadership.Epoch = 3;
        await Until(rig, () => rig.Runs.All.Any(r => r.Epoch == 3 && r.Outcome == RunOutcome.Succeeded), "it dispatches again with epoch 3");
        await dispatcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task After_a_ZooKeeper_reset_a_leader_at_epoch_0_of_the_new_incarnation_takes_over_from_epoch_57_and_dispatches()
    {
        var rig = new DispatchRig();
        await rig.AddAsync("job", "* * * * * *");
        var leadership = new SwitchableLeadership { Leads = true, Incarnation = "1a-18c0", Epoch = 57 };
        using var dispatcher = Dispatcher(rig, leadership);
        await dispatcher.StartAsync(CancellationToken.None);
        await Until(rig, () => rig.Sender.Sent.Count >= 1, "the leader of the old incarnation sends");

        // ZooKeeper is rebuilt: the node's session is gone, then it leads the new election with its first node.
        leadership.Leads = false;
        await Until(rig, () => !dispatcher.Snapshot().Dispatching, "dispatching stops with the old leadership");
        leadership.Incarnation = "1a-18c7";
        leadership.Epoch = 0;
        leadership.Leads = true;

        await Until(rig, () => rig.Runs.All.Any(r => r is { Incarnation: "1a-18c7", Epoch: 0, Outcome: RunOutcome.Succeeded }),
            "it dispatches under the new incarnation");
        Assert.Equal(new FenceHolder("1a-18c7", 0, "node-a"), rig.Runs.Fence);
        Assert.Empty(rig.Watched.Breaches);
        await dispatcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Two_nodes_without_ZooKeeper_on_one_store_end_with_the_later_one_dispatching_and_the_earlier_one_idle()
    {
        var rig = new DispatchRig();
        await rig.AddAsync("job", "* * * * * *");
        var first = new SwitchableLeadership { Leads = true, Incarnation = DispatchFenceToken.Alone().Incarnation };
        var second = new SwitchableLeadership { Leads = true, Incarnation = DispatchFenceToken.Alone().Incarnation };
        using var earlier = Dispatcher(rig, first);
        await earlier.StartAsync(CancellationToken.None);
        await Until(rig, () => rig.Sender.Sent.Count >= 1, "the first node dispatches");

        using var later = Dispatcher(rig, second);
        await later.StartAsync(CancellationToken.None);
        await Until(rig, () => !earlier.Snapshot().Leading && later.Snapshot().Dispatching, "the later node took over and the earlier one stepped down");
        var settledAt = rig.Clock.GetUtcNow();
        await Until(rig, () => rig.Clock.GetUtcNow() > settledAt.AddSeconds(5), "five seconds pass");

        Assert.Equal(second.Incarnation, rig.Runs.Fence.Incarnation);
        Assert.DoesNotContain(rig.Runs.All, r => r.Incarnation == first.Incarnation && r.ClaimedAt > settledAt);
        Assert.Contains(rig.Runs.All, r => r.Incarnation == second.Incarnation && r.ClaimedAt > settledAt);
        Assert.Empty(rig.Watched.Breaches);
        await later.StopAsync(CancellationToken.None);
        await earlier.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_manual_trigger_is_dispatched_as_soon_as_it_is_requested()
    {
        var rig = new DispatchRig();
        await rig.AddAsync("job", "0 0 1 1 *");
        using var dispatcher = Dispatcher(rig, new SwitchableLeadership { Leads = true }, new DispatchOptions { TriggerPollSeconds = 3600, ClaimAheadSeconds = 0 });
        await dispatcher.StartAsync(CancellationToken.None);
        await Until(rig, () => dispatcher.Snapshot().Dispatching, "the dispatcher takes over");

        var trigger = await rig.Runs.RequestTriggerAsync(JobId.Parse("job"), 1, rig.Clock.GetUtcNow(), CancellationToken.None);

        // No clock movement: only the store's notification can wake it before the hour-long poll.
        await Eventually(() => rig.Runs.All.Single(r => r.Id == trigger.Id).Outcome == RunOutcome.Succeeded, Within, "the trigger runs");
        await dispatcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_node_with_dispatching_disabled_never_dispatches_even_when_it_leads()
    {
        var rig = new DispatchRig();
        await rig.AddAsync("job", "* * * * * *");
        using var dispatcher = Dispatcher(rig, new SwitchableLeadership { Leads = true }, new DispatchOptions { Enabled = false, ClaimAheadSeconds = 0 });
        await dispatcher.StartAsync(CancellationToken.None);

        await Until(rig, () => rig.Clock.GetUtcNow() > DispatchRig.Start.AddSeconds(3), "three seconds pass");

        Assert.Empty(rig.Runs.All);
        Assert.False(dispatcher.Snapshot().Leading);
        await dispatcher.StopAsync(CancellationToken.None);
    }
}
