using JobLog.Dispatch;
using JobLog.Dispatch.Runs;

namespace JobLog.Properties.Dispatch;

public sealed class InMemoryRunStoreTests
{
    private static readonly JobId Job = JobId.Parse("job");
    private static readonly DateTimeOffset At = new(2026, 11, 26, 5, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;

    private static OccurrenceClaim Claim(DateTimeOffset at) => new(Job, 1, at, RunKind.Scheduled);

    private static readonly DispatchFenceToken A1 = new("election-a", 1);
    private static readonly DispatchFenceToken A2 = new("election-a", 2);
    private static readonly DispatchFenceToken B0 = new("election-b", 0);

    [Fact]
    public async Task An_occurrence_is_claimed_once_whoever_asks_and_in_whatever_kind()
    {
        var store = new InMemoryRunStore();
        await store.TakeOverAsync("a", A1, None);
        var first = await store.ClaimAsync([Claim(At)], "a", A1, At, None);
        await store.TakeOverAsync("b", A2, None);
        var again = await store.ClaimAsync([Claim(At.ToOffset(TimeSpan.FromHours(2))), Claim(At.AddSeconds(1))], "b", A2, At, None);
        var asCatchUp = await store.ClaimAsync([new OccurrenceClaim(Job, 1, At, RunKind.CatchUp)], "b", A2, At, None);

        Assert.NotNull(first[0].Run);
        Assert.Null(again[0].Run);
        Assert.NotNull(again[1].Run);
        Assert.Null(asCatchUp[0].Run);
    }

    [Fact]
    public async Task Once_a_larger_epoch_took_over_every_write_of_a_smaller_one_is_fenced_but_outcomes_are_still_recorded()
    {
        var store = new InMemoryRunStore();
        await store.TakeOverAsync("a", A1, None);
        var run = (await store.ClaimAsync([Claim(At)], "a", A1, At, None))[0].Run!;
        var trigger = await store.RequestTriggerAsync(Job, 1, At, None);
        await store.TakeOverAsync("b", A2, None);

        await Assert.ThrowsAsync<FencedException>(() => store.ClaimAsync([Claim(At.AddSeconds(1))], "a", A1, At, None));
        await Assert.ThrowsAsync<FencedException>(() => store.BeginAttemptAsync(run.Id, 1, "a", A1, At, None));
        await Assert.ThrowsAsync<FencedException>(() => store.ClaimTriggerAsync(trigger.Id, "a", A1, At, None));
        await Assert.ThrowsAsync<FencedException>(() => store.AdoptAsync(run.Id, "a", A1, At, None));
        await Assert.ThrowsAsync<FencedException>(() =>
            store.ResolveWithoutCallAsync([Claim(At.AddSeconds(2))], new RunCompletion(RunOutcome.Skipped, At, null, "x"), "a", A1, None));
        var refused = await Assert.ThrowsAsync<FencedException>(() => store.TakeOverAsync("a", A1, None));
        Assert.Equal((A1, new FenceHolder("election-a", 2, "b")), (refused.Token, refused.Fence));
        Assert.True(await store.CompleteAsync(run.Id, new RunCompletion(RunOutcome.Succeeded, At, 200, null), None));
    }

    [Fact]
    public async Task A_leader_of_another_incarnation_takes_over_whatever_epoch_the_fence_holds_and_is_told_what_it_held()
    {
        var store = new InMemoryRunStore();
        var first = await store.TakeOverAsync("a", new DispatchFenceToken("election-a", 57), None);
        var rebuilt = await store.TakeOverAsync("b", B0, None);
        var alone = DispatchFenceToken.Alone();
        var afterRebuilt = await store.TakeOverAsync("c", alone, None);
        var back = await store.TakeOverAsync("a", A1, None);

        Assert.Equal(FenceHolder.Nobody, first);
        Assert.Equal(new FenceHolder("election-a", 57, "a"), rebuilt);
        Assert.Equal(new FenceHolder("election-b", 0, "b"), afterRebuilt);
        Assert.Equal(new FenceHolder(alone.Incarnation, 0, "c"), back);
        Assert.Equal(new FenceHolder("election-a", 1, "a"), store.Fence);
        await Assert.ThrowsAsync<FencedException>(() => store.TakeOverAsync("old", new DispatchFenceToken("election-a", 0), None));
    }

    [Theory]
    [InlineData("election-a", 4)]
    [InlineData("election-a", 6)]
    [InlineData("election-b", 5)]
    [InlineData("alone-0123456789abcdef", 0)]
    public async Task A_fenced_write_succeeds_only_under_the_very_leadership_the_fence_holds(string incarnation, long epoch)
    {
        var store = new InMemoryRunStore();
        var holder = new DispatchFenceToken("election-a", 5);
        var other = new DispatchFenceToken(incarnation, epoch);
        await store.TakeOverAsync("a", holder, None);
        var run = (await store.ClaimAsync([Claim(At)], "a", holder, At, None))[0].Run!;
        var trigger = await store.RequestTriggerAsync(Job, 1, At, None);

        await Assert.ThrowsAsync<FencedException>(() => store.ClaimAsync([Claim(At.AddSeconds(1))], "a", other, At, None));
        await Assert.ThrowsAsync<FencedException>(() =>
            store.ResolveWithoutCallAsync([Claim(At.AddSeconds(2))], new RunCompletion(RunOutcome.Skipped, At, null, "x"), "a", other, None));
        await Assert.ThrowsAsync<FencedException>(() => store.BeginAttemptAsync(run.Id, 1, "a", other, At, None));
        await Assert.ThrowsAsync<FencedException>(() => store.AdoptAsync(run.Id, "a", other, At, None));
        await Assert.ThrowsAsync<FencedException>(() => store.ClaimTriggerAsync(trigger.Id, "a", other, At, None));
        Assert.Equal([run.Id, trigger.Id], store.All.Select(r => r.Id));

        Assert.True(await store.BeginAttemptAsync(run.Id, 1, "a", holder, At, None));
        Assert.NotNull(await store.ClaimTriggerAsync(trigger.Id, "a", holder, At, None));
    }

    [Fact]
    public async Task The_first_outcome_recorded_stands()
    {
        var store = new InMemoryRunStore();
        await store.TakeOverAsync("a", B0, None);
        var run = (await store.ClaimAsync([Claim(At)], "a", B0, At, None))[0].Run!;

        Assert.True(await store.CompleteAsync(run.Id, new RunCompletion(RunOutcome.Failed, At, null, "replaced"), None));
        Assert.False(await store.CompleteAsync(run.Id, new RunCompletion(RunOutcome.Succeeded, At, 200, null), None));
        Assert.Equal(RunOutcome.Failed, (await store.GetAsync(run.Id, None))!.Outcome);
        Assert.False(await store.BeginAttemptAsync(run.Id, 1, "a", B0, At, None));
    }

    [Fact]
    public async Task Only_a_run_of_another_leadership_that_never_began_an_attempt_can_be_adopted()
    {
        var store = new InMemoryRunStore();
        await store.TakeOverAsync("a", A1, None);
        var runs = await store.ClaimAsync([Claim(At), Claim(At.AddSeconds(1))], "a", A1, At, None);
        Assert.True(await store.BeginAttemptAsync(runs[1].Run!.Id, 1, "a", A1, At, None));
        Assert.Null(await store.AdoptAsync(runs[0].Run!.Id, "a", A1, At, None));
        await store.TakeOverAsync("b", A2, None);

        var adopted = await store.AdoptAsync(runs[0].Run!.Id, "b", A2, At.AddSeconds(5), None);
        Assert.Equal(("b", "election-a", 2L), (adopted!.ClaimedBy, adopted.Incarnation, adopted.Epoch!.Value));
        Assert.Null(await store.AdoptAsync(runs[1].Run!.Id, "b", A2, At, None));
        Assert.False(await store.BeginAttemptAsync(runs[0].Run!.Id, 1, "a", A2, At, None));
        Assert.Equal([runs[0].Run!.Id, runs[1].Run!.Id], (await store.UnfinishedAsync(None)).Select(r => r.Id));
    }

    [Fact]
    public async Task A_node_that_claimed_alone_at_epoch_0_adopts_its_own_lost_claim_when_it_leads_a_cluster_at_epoch_0()
    {
        var store = new InMemoryRunStore();
        var alone = DispatchFenceToken.Alone();
        await store.TakeOverAsync("node1", alone, None);
        var lost = (await store.ClaimAsync([Claim(At)], "node1", alone, At, None))[0].Run!;
        var clustered = new DispatchFenceToken("election-a", 0);
        await store.TakeOverAsync("node1", clustered, None);

        var adopted = await store.AdoptAsync(lost.Id, "node1", clustered, At.AddSeconds(5), None);

        Assert.Equal(("node1", "election-a", 0L), (adopted!.ClaimedBy, adopted.Incarnation, adopted.Epoch!.Value));
        Assert.True(await store.BeginAttemptAsync(lost.Id, 1, "node1", clustered, At.AddSeconds(5), None));
    }

    [Fact]
    public async Task A_node_restarted_alone_adopts_what_its_earlier_process_claimed_and_fences_that_process_off()
    {
        var store = new InMemoryRunStore();
        var before = DispatchFenceToken.Alone();
        await store.TakeOverAsync("node1", before, None);
        var lost = (await store.ClaimAsync([Claim(At)], "node1", before, At, None))[0].Run!;
        var restarted = DispatchFenceToken.Alone();
        await store.TakeOverAsync("node1", restarted, None);

        Assert.NotEqual(before, restarted);
        Assert.NotNull(await store.AdoptAsync(lost.Id, "node1", restarted, At, None));
        await Assert.ThrowsAsync<FencedException>(() => store.ClaimAsync([Claim(At.AddSeconds(1))], "node1", before, At, None));
    }

    [Fact]
    public async Task A_trigger_wakes_a_waiting_leader_and_is_claimed_once()
    {
        var store = new InMemoryRunStore();
        var waiting = store.WaitForTriggerAsync(None);
        Assert.False(waiting.IsCompleted);

        var trigger = await store.RequestTriggerAsync(Job, 4, At, None);
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([trigger.Id], (await store.PendingTriggersAsync(None)).Select(r => r.Id));
        await store.TakeOverAsync("a", A1, None);
        Assert.NotNull(await store.ClaimTriggerAsync(trigger.Id, "a", A1, At, None));
        await store.TakeOverAsync("b", A2, None);
        Assert.Null(await store.ClaimTriggerAsync(trigger.Id, "b", A2, At, None));
        Assert.Empty(await store.PendingTriggersAsync(None));
        Assert.Empty(await store.LatestScheduledAsync(None));
    }

    [Fact]
    public async Task The_latest_scheduled_instant_counts_scheduled_runs_and_misfire_records_but_not_catch_up_runs()
    {
        var store = new InMemoryRunStore();
        var catchUpOnly = JobId.Parse("catch-up-only");
        await store.TakeOverAsync("a", A1, None);
        await store.ClaimAsync(
            [Claim(At), new OccurrenceClaim(Job, 1, At.AddSeconds(9), RunKind.CatchUp), new OccurrenceClaim(catchUpOnly, 1, At, RunKind.CatchUp)],
            "a", A1, At, None);
        await store.ResolveWithoutCallAsync([Claim(At.AddSeconds(5))], new RunCompletion(RunOutcome.Misfired, At, null, "missed"), "a", A1, None);

        var latest = await store.LatestScheduledAsync(None);

        Assert.Equal(At.AddSeconds(5), Assert.Single(latest, pair => pair.Key == Job).Value);
        Assert.DoesNotContain(catchUpOnly, latest.Keys);
    }

    [Fact]
    public async Task Pages_run_newest_first_and_follow_their_cursor_to_the_end_with_every_filter()
    {
        var store = new InMemoryRunStore();
        var other = JobId.Parse("other");
        await store.TakeOverAsync("a", B0, None);
        for (var i = 0; i < 7; i++)
            await store.ClaimAsync([Claim(At.AddSeconds(i)), new OccurrenceClaim(other, 1, At.AddSeconds(i), RunKind.Scheduled)], "a", B0, At, None);
        await store.CompleteAsync(3, new RunCompletion(RunOutcome.Failed, At, 500, "boom"), None);

        var seen = new List<long>();
        long? before = null;
        do
        {
            var page = await store.QueryAsync(new RunQuery(Job, before, At.AddSeconds(1), null, 2), None);
            seen.AddRange(page.Items.Select(r => r.Id));
            Assert.All(page.Items, r => Assert.Equal(Job, r.Job));
            before = page.Next;
        }
        while (before is not null);

        Assert.Equal([13, 11, 9, 7, 5, 3], seen);
        Assert.Equal([3], (await store.QueryAsync(new RunQuery(null, null, null, RunOutcome.Failed, 10), None)).Items.Select(r => r.Id));
    }
}
