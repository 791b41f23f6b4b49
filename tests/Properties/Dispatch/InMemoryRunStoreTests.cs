using JobLog.Dispatch;
using JobLog.Dispatch.Runs;

namespace JobLog.Properties.Dispatch;

public sealed class InMemoryRunStoreTests
{
    private static readonly JobId Job = JobId.Parse("job");
    private static readonly DateTimeOffset At = new(2026, 11, 26, 5, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;

    private static OccurrenceClaim Claim(DateTimeOffset at) => new(Job, 1, at, RunKind.Scheduled);

    [Fact]
    public async Task An_occurrence_is_claimed_once_whoever_asks_and_in_whatever_kind()
    {
        var store = new InMemoryRunStore();
        var first = await store.ClaimAsync([Claim(At)], "a", 0, At, None);
        var again = await store.ClaimAsync([Claim(At.ToOffset(TimeSpan.FromHours(2))), Claim(At.AddSeconds(1))], "b", 0, At, None);
        var asCatchUp = await store.ClaimAsync([new OccurrenceClaim(Job, 1, At, RunKind.CatchUp)], "b", 0, At, None);

        Assert.NotNull(first[0].Run);
        Assert.Null(again[0].Run);
        Assert.NotNull(again[1].Run);
        Assert.Null(asCatchUp[0].Run);
    }

    [Fact]
    public async Task Once_a_larger_epoch_took_over_every_write_of_a_smaller_one_is_fenced_but_outcomes_are_still_recorded()
    {
        var store = new InMemoryRunStore();
        await store.TakeOverAsync("a", 1, None);
        var run = (await store.ClaimAsync([Claim(At)], "a", 1, At, None))[0].Run!;
        var trigger = await store.RequestTriggerAsync(Job, 1, At, None);
        await store.TakeOverAsync("b", 2, None);

        await Assert.ThrowsAsync<FencedException>(() => store.ClaimAsync([Claim(At.AddSeconds(1))], "a", 1, At, None));
        await Assert.ThrowsAsync<FencedException>(() => store.BeginAttemptAsync(run.Id, 1, "a", 1, At, None));
        await Assert.ThrowsAsync<FencedException>(() => store.ClaimTriggerAsync(trigger.Id, "a", 1, At, None));
        await Assert.ThrowsAsync<FencedException>(() => store.AdoptAsync(run.Id, "a", 1, At, None));
        await Assert.ThrowsAsync<FencedException>(() =>
            store.ResolveWithoutCallAsync([Claim(At.AddSeconds(2))], new RunCompletion(RunOutcome.Skipped, At, null, "x"), "a", 1, None));
        await Assert.ThrowsAsync<FencedException>(() => store.TakeOverAsync("a", 1, None));
        Assert.True(await store.CompleteAsync(run.Id, new RunCompletion(RunOutcome.Succeeded, At, 200, null), None));
    }

    [Fact]
    public async Task The_first_outcome_recorded_stands()
    {
        var store = new InMemoryRunStore();
        var run = (await store.ClaimAsync([Claim(At)], "a", 0, At, None))[0].Run!;

        Assert.True(await store.CompleteAsync(run.Id, new RunCompletion(RunOutcome.Failed, At, null, "replaced"), None));
        Assert.False(await store.CompleteAsync(run.Id, new RunCompletion(RunOutcome.Succeeded, At, 200, null), None));
        Assert.Equal(RunOutcome.Failed, (await store.GetAsync(run.Id, None))!.Outcome);
        Assert.False(await store.BeginAttemptAsync(run.Id, 1, "a", 0, At, None));
    }

    [Fact]
    public async Task Only_a_run_of_another_epoch_that_never_began_an_attempt_can_be_adopted()
    {
        var store = new InMemoryRunStore();
        await store.TakeOverAsync("a", 1, None);
        var runs = await store.ClaimAsync([Claim(At), Claim(At.AddSeconds(1))], "a", 1, At, None);
        Assert.True(await store.BeginAttemptAsync(runs[1].Run!.Id, 1, "a", 1, At, None));
        Assert.Null(await store.AdoptAsync(runs[0].Run!.Id, "a", 1, At, None));
        await store.TakeOverAsync("b", 2, None);

        var adopted = await store.AdoptAsync(runs[0].Run!.Id, "b", 2, At.AddSeconds(5), None);
        Assert.Equal(("b", 2L), (adopted!.ClaimedBy, adopted.Epoch!.Value));
        Assert.Null(await store.AdoptAsync(runs[1].Run!.Id, "b", 2, At, None));
        Assert.False(await store.BeginAttemptAsync(runs[0].Run!.Id, 1, "a", 2, At, None));
        Assert.Equal([runs[0].Run!.Id, runs[1].Run!.Id], (await store.UnfinishedAsync(None)).Select(r => r.Id));
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
        Assert.NotNull(await store.ClaimTriggerAsync(trigger.Id, "a", 0, At, None));
        Assert.Null(await store.ClaimTriggerAsync(trigger.Id, "b", 0, At, None));
        Assert.Empty(await store.PendingTriggersAsync(None));
        Assert.Empty(await store.LatestScheduledAsync(None));
    }

    [Fact]
    public async Task Pages_run_newest_first_and_follow_their_cursor_to_the_end_with_every_filter()
    {
        var store = new InMemoryRunStore();
        var other = JobId.Parse("other");
        for (var i = 0; i < 7; i++)
            await store.ClaimAsync([Claim(At.AddSeconds(i)), new OccurrenceClaim(other, 1, At.AddSeconds(i), RunKind.Scheduled)], "a", 0, At, None);
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
