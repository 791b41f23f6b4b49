using JobLog.Dispatch;
using JobLog.Integration.Fixtures;
using Xunit;
using static JobLog.Integration.Dispatch.RunStoreScope;

namespace JobLog.Integration.Dispatch;

/// <summary>
/// Attempts begun and outcomes recorded at once by many deliveries are written together: each caller still gets its own
/// run's answer, a run asked for twice at once is written once, and a fence refuses the whole batch.
/// </summary>
[Collection(PostgresFixture.Collection)]
public sealed class RunStoreBatchTests(PostgresFixture postgres)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Many_attempts_begun_at_once_each_get_their_own_runs_answer_and_a_run_asked_twice_begins_once()
    {
        await using var scope = Fresh(postgres);
        await scope.Store.TakeOverAsync("a", Leader(1), None);
        var job = NewJob();
        var mine = await ClaimAsync(scope, job, "a", 0, 300);
        var others = await ClaimAsync(scope, job, "b", 300, 20);

        var asked = mine.Concat(others).Concat(mine.Take(50)).Select(run => (Run: run, Answer: scope.Store.BeginAttemptAsync(run, 1, "a", Leader(1), T0, None))).ToList();
        await Task.WhenAll(asked.Select(a => a.Answer));

        foreach (var run in mine)
            Assert.Equal(1, asked.Count(a => a.Run == run && a.Answer.Result));
        Assert.All(asked.Where(a => others.Contains(a.Run)), a => Assert.False(a.Answer.Result));
        Assert.Equal(300, await scope.ScalarAsync("select count(*) from {schema}.dispatch_runs where attempts = 1"));
    }

    [Fact]
    public async Task Many_outcomes_recorded_at_once_keep_the_first_per_run_and_tell_each_caller_whether_it_was_theirs()
    {
        await using var scope = Fresh(postgres);
        await scope.Store.TakeOverAsync("a", Leader(1), None);
        var job = NewJob();
        var runs = await ClaimAsync(scope, job, "a", 0, 200);

        var asked = runs.Select(run => (Run: run, Outcome: RunOutcome.Succeeded))
            .Concat(runs.Take(60).Select(run => (Run: run, Outcome: RunOutcome.Failed)))
            .Select(a => (a.Run, a.Outcome, Answer: scope.Store.CompleteAsync(a.Run, Ended(a.Outcome, status: 200), None)))
            .ToList();
        await Task.WhenAll(asked.Select(a => a.Answer));

        foreach (var run in runs)
        {
            var recorded = Assert.Single(asked, a => a.Run == run && a.Answer.Result);
            Assert.Equal(recorded.Outcome, (await scope.Store.GetAsync(run, None))!.Outcome);
        }
    }

    [Fact]
    public async Task Attempts_begun_at_once_after_a_larger_epoch_took_over_are_all_refused_and_none_is_written()
    {
        await using var scope = Fresh(postgres);
        await using var otherNode = scope.OtherNode();
        await scope.Store.TakeOverAsync("a", Leader(1), None);
        var runs = await ClaimAsync(scope, NewJob(), "a", 0, 100);
        await otherNode.TakeOverAsync("b", Leader(2), None);

        var asked = runs.Select(run => scope.Store.BeginAttemptAsync(run, 1, "a", Leader(1), T0, None)).ToList();

        foreach (var answer in asked)
            await Assert.ThrowsAsync<FencedException>(() => answer);
        Assert.Equal(0, await scope.ScalarAsync("select count(*) from {schema}.dispatch_runs where attempts > 0"));
    }

    private static async Task<IReadOnlyList<long>> ClaimAsync(RunStoreScope scope, JobLog.Model.JobId job, string node, int firstMinute, int count)
    {
        var claims = Enumerable.Range(firstMinute, count).Select(minute => Occurrence(job, minute)).ToList();
        var results = await scope.Store.ClaimAsync(claims, node, Leader(1), T0, None);
        return [.. results.Select(r => r.Run!.Id)];
    }
}
