using JobLog.Dispatch;
using JobLog.Integration.Fixtures;
using Npgsql;
using Xunit;
using static JobLog.Integration.Dispatch.RunStoreScope;

namespace JobLog.Integration.Dispatch;

/// <summary>Claims, attempts, outcomes and adoption on a real PostgreSQL.</summary>
[Collection(PostgresFixture.Collection)]
public sealed class RunStoreClaimTests(PostgresFixture postgres)
{
    [Fact]
    public async Task An_occurrence_asked_for_twice_in_one_batch_is_claimed_once_by_the_first_claim()
    {
        await using var scope = Fresh(postgres);
        var job = NewJob();
        var other = NewJob();
        await scope.Store.TakeOverAsync("a", Leader(1), CancellationToken.None);

        var results = await scope.Store.ClaimAsync(
            [Occurrence(job, 0), Occurrence(other, 0), Occurrence(job, 0, RunKind.CatchUp), Occurrence(job, 0)],
            "a", Leader(1), T0, CancellationToken.None);

        Assert.Equal(4, results.Count);
        Assert.Equal(RunKind.Scheduled, results[0].Run?.Kind);
        Assert.NotNull(results[1].Run);
        Assert.Null(results[2].Run);
        Assert.Null(results[3].Run);
        Assert.Equal(2, await scope.ScalarAsync("select count(*) from {schema}.dispatch_runs"));
    }

    [Fact]
    public async Task An_occurrence_claimed_in_an_earlier_batch_is_claimed_by_nobody_again_whatever_the_kind_node_or_epoch()
    {
        await using var scope = Fresh(postgres);
        await using var otherNode = scope.OtherNode();
        var job = NewJob();
        await scope.Store.TakeOverAsync("a", Leader(1), CancellationToken.None);
        var first = await scope.Store.ClaimAsync([Occurrence(job, 0), Occurrence(job, 1)], "a", Leader(1), T0, CancellationToken.None);

        var again = await scope.Store.ClaimAsync([Occurrence(job, 1), Occurrence(job, 2)], "a", Leader(1), T0, CancellationToken.None);
        await otherNode.TakeOverAsync("b", Leader(5), CancellationToken.None);
        var byOther = await otherNode.ClaimAsync(
            [Occurrence(job, 0, RunKind.CatchUp), Occurrence(job, 1, version: 2)], "b", Leader(5), T0, CancellationToken.None);
        var resolved = await otherNode.ResolveWithoutCallAsync(
            [Occurrence(job, 0), Occurrence(job, 3)], Ended(RunOutcome.Misfired), "b", Leader(5), CancellationToken.None);

        Assert.All(first, r => Assert.NotNull(r.Run));
        Assert.Null(again[0].Run);
        Assert.NotNull(again[1].Run);
        Assert.All(byOther, r => Assert.Null(r.Run));
        Assert.Null(resolved[0].Run);
        Assert.Equal(RunOutcome.Misfired, resolved[1].Run?.Outcome);
        Assert.Equal(4, await scope.ScalarAsync("select count(*) from {schema}.dispatch_runs"));
    }

    [Fact]
    public async Task Concurrent_overlapping_batches_in_opposite_orders_claim_each_occurrence_exactly_once_without_a_deadlock()
    {
        await using var scope = Fresh(postgres);
        await using var otherNode = scope.OtherNode();
        var job = NewJob();
        var occurrences = Enumerable.Range(0, 200).Select(minute => Occurrence(job, minute)).ToList();
        // Two batches under the one leadership the fence holds (say, a tick and a take-over's catch-up of one leader).
        await scope.Store.TakeOverAsync("a", Leader(1), CancellationToken.None);
        await otherNode.UnfinishedAsync(CancellationToken.None);

        // A writer holds the middle occurrence uncommitted, so both batches are stopped inside, each holding rows the
        // other wants next if they went in the order they were given.
        await using var holder = await scope.OpenAsync();
        await using var held = await holder.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand(
                         $"insert into {scope.Schema}.dispatch_runs (job_id, job_version, scheduled_at, kind, claimed_by, epoch, claimed_at) " +
                         $"values ('{job.Value}', 1, '{T0.AddMinutes(100):O}', 'scheduled', 'other', 1, now())", holder, held))
            await hold.ExecuteNonQueryAsync();
        var forward = Task.Run(() => scope.Store.ClaimAsync(occurrences, "a", Leader(1), T0, CancellationToken.None));
        var backward = Task.Run(() => otherNode.ClaimAsync([.. Enumerable.Reverse(occurrences)], "a", Leader(1), T0, CancellationToken.None));
        await Eventually(() => scope.LockWaitersAsync(atLeast: 2), TimeSpan.FromSeconds(30), "both batches wait");
        await held.RollbackAsync();
        var claims = await Task.WhenAll(forward, backward);

        var won = claims.SelectMany(c => c).Where(c => c.Run is not null).Select(c => c.Claim.ScheduledAt).ToList();
        Assert.Equal(occurrences.Select(o => o.ScheduledAt).Order(), won.Order());
    }

    [Fact]
    public async Task A_claim_returns_the_run_as_stored()
    {
        await using var scope = Fresh(postgres);
        var job = NewJob();
        var now = T0.AddTicks(12_345_678);
        await scope.Store.TakeOverAsync("a", Leader(2), CancellationToken.None);

        var run = (await scope.Store.ClaimAsync([Occurrence(job, 3, RunKind.CatchUp, version: 4)], "a", Leader(2), now, CancellationToken.None))[0].Run!;

        Assert.Equal(run, await scope.Store.GetAsync(run.Id, CancellationToken.None));
        Assert.Equal((job, 4L, T0.AddMinutes(3), RunKind.CatchUp, "a", 2L, Election),
            (run.Job, run.JobVersion, run.ScheduledAt, run.Kind, run.ClaimedBy!, run.Epoch!.Value, run.Incarnation!));
        Assert.Equal(T0.AddTicks(12_345_670), run.ClaimedAt);
        Assert.Equal((0, (RunOutcome?)null, (Guid?)null, true), (run.Attempts, run.Outcome, run.TriggerId, run.InFlight));
    }

    [Fact]
    public async Task A_manual_run_cannot_be_claimed_as_an_occurrence()
    {
        await using var scope = Fresh(postgres);

        await Assert.ThrowsAsync<ArgumentException>(
            () => scope.Store.ClaimAsync([Occurrence(NewJob(), 0, RunKind.Manual)], "a", Leader(1), T0, CancellationToken.None));
    }

    [Fact]
    public async Task The_first_outcome_recorded_stands_and_later_ones_are_refused()
    {
        await using var scope = Fresh(postgres);
        var job = NewJob();
        await scope.Store.TakeOverAsync("a", Leader(1), CancellationToken.None);
        var run = (await scope.Store.ClaimAsync([Occurrence(job, 0)], "a", Leader(1), T0, CancellationToken.None))[0].Run!;
        var resolved = (await scope.Store.ResolveWithoutCallAsync([Occurrence(job, 1)], Ended(RunOutcome.Skipped, error: "previous run in flight"), "a", Leader(1), CancellationToken.None))[0].Run!;

        var outcomes = await Task.WhenAll(
            Enumerable.Range(0, 8).Select(i => Task.Run(() => scope.Store.CompleteAsync(
                run.Id, Ended(i % 2 == 0 ? RunOutcome.Succeeded : RunOutcome.Failed, 200 + i, $"answer {i}"), CancellationToken.None))));
        var overResolved = await scope.Store.CompleteAsync(resolved.Id, Ended(RunOutcome.Succeeded, 200), CancellationToken.None);

        Assert.Single(outcomes, won => won);
        var winner = Array.IndexOf(outcomes, true);
        var stored = (await scope.Store.GetAsync(run.Id, CancellationToken.None))!;
        Assert.Equal((winner % 2 == 0 ? RunOutcome.Succeeded : RunOutcome.Failed, 200 + winner, $"answer {winner}"), (stored.Outcome!.Value, stored.HttpStatus!.Value, stored.Error!));
        Assert.False(overResolved);
        Assert.Equal((RunOutcome?)RunOutcome.Skipped, (await scope.Store.GetAsync(resolved.Id, CancellationToken.None))!.Outcome);
        Assert.False(await scope.Store.CompleteAsync(long.MaxValue, Ended(RunOutcome.Failed), CancellationToken.None));
    }

    [Theory]
    [InlineData("nul\0inside")]
    [InlineData("\0")]
    [InlineData(null)]
    public async Task An_error_postgresql_cannot_hold_as_it_is_still_records_the_outcome(string? suffix)
    {
        await using var scope = Fresh(postgres);
        await scope.Store.TakeOverAsync("a", Leader(1), CancellationToken.None);
        var run = (await scope.Store.ClaimAsync([Occurrence(NewJob(), 0)], "a", Leader(1), T0, CancellationToken.None))[0].Run!;
        var error = suffix ?? new string('x', 5000);

        Assert.True(await scope.Store.CompleteAsync(run.Id, Ended(RunOutcome.Failed, 500, error), CancellationToken.None));

        var stored = (await scope.Store.GetAsync(run.Id, CancellationToken.None))!;
        Assert.Equal(RunOutcome.Failed, stored.Outcome);
        Assert.DoesNotContain('\0', stored.Error!);
        Assert.InRange(stored.Error!.Length, 1, 1000);
    }

    [Fact]
    public async Task An_attempt_begins_only_on_a_run_the_caller_owns_without_an_outcome_and_with_a_higher_number()
    {
        await using var scope = Fresh(postgres);
        var job = NewJob();
        await scope.Store.TakeOverAsync("a", Leader(2), CancellationToken.None);
        var runs = (await scope.Store.ClaimAsync([Occurrence(job, 0), Occurrence(job, 1)], "a", Leader(2), T0, CancellationToken.None))
            .Select(c => c.Run!).ToList();
        await scope.Store.CompleteAsync(runs[1].Id, Ended(RunOutcome.Succeeded, 200), CancellationToken.None);

        Assert.False(await scope.Store.BeginAttemptAsync(runs[0].Id, 1, "b", Leader(2), T0, CancellationToken.None));
        Assert.True(await scope.Store.BeginAttemptAsync(runs[0].Id, 1, "a", Leader(2), T0.AddSeconds(1), CancellationToken.None));
        Assert.False(await scope.Store.BeginAttemptAsync(runs[0].Id, 1, "a", Leader(2), T0.AddSeconds(2), CancellationToken.None));
        Assert.True(await scope.Store.BeginAttemptAsync(runs[0].Id, 3, "a", Leader(2), T0.AddSeconds(3), CancellationToken.None));
        Assert.False(await scope.Store.BeginAttemptAsync(runs[1].Id, 1, "a", Leader(2), T0, CancellationToken.None));
        Assert.False(await scope.Store.BeginAttemptAsync(long.MaxValue, 1, "a", Leader(2), T0, CancellationToken.None));

        var begun = (await scope.Store.GetAsync(runs[0].Id, CancellationToken.None))!;
        Assert.Equal((3, T0.AddSeconds(1)), (begun.Attempts, begun.StartedAt!.Value));
    }

    [Fact]
    public async Task A_run_moves_to_a_new_job_version_only_while_the_caller_owns_it_and_no_attempt_began()
    {
        await using var scope = Fresh(postgres);
        var job = NewJob();
        await scope.Store.TakeOverAsync("a", Leader(2), CancellationToken.None);
        var runs = (await scope.Store.ClaimAsync([Occurrence(job, 0), Occurrence(job, 1), Occurrence(job, 2)], "a", Leader(2), T0, CancellationToken.None))
            .Select(c => c.Run!).ToList();
        await scope.Store.BeginAttemptAsync(runs[1].Id, 1, "a", Leader(2), T0, CancellationToken.None);
        await scope.Store.CompleteAsync(runs[2].Id, Ended(RunOutcome.Skipped), CancellationToken.None);

        Assert.False(await scope.Store.RebaseAsync(runs[0].Id, 7, "b", Leader(2), CancellationToken.None));
        Assert.True(await scope.Store.RebaseAsync(runs[0].Id, 7, "a", Leader(2), CancellationToken.None));
        Assert.False(await scope.Store.RebaseAsync(runs[1].Id, 7, "a", Leader(2), CancellationToken.None));
        Assert.False(await scope.Store.RebaseAsync(runs[2].Id, 7, "a", Leader(2), CancellationToken.None));
        await scope.Store.TakeOverAsync("b", Leader(3), CancellationToken.None);
        await Assert.ThrowsAsync<FencedException>(() => scope.Store.RebaseAsync(runs[0].Id, 8, "a", Leader(2), CancellationToken.None));

        var versions = new List<long>();
        foreach (var run in runs)
            versions.Add((await scope.Store.GetAsync(run.Id, CancellationToken.None))!.JobVersion);
        Assert.Equal([7L, runs[1].JobVersion, runs[2].JobVersion], versions);
    }

    [Fact]
    public async Task Attempts_and_outcomes_of_a_burst_are_written_by_key_whatever_the_table_holds()
    {
        // A thousand unfinished runs, five hundred begun and recorded in one write each: every row written once, the others
        // untouched, whatever plan the statistics of a table that grows by a thousand runs a second would give.
        await using var scope = Fresh(postgres);
        var job = NewJob();
        await scope.Store.TakeOverAsync("a", Leader(1), CancellationToken.None);
        var runs = (await scope.Store.ClaimAsync([.. Enumerable.Range(0, 1000).Select(i => Occurrence(job, i))], "a", Leader(1), T0, CancellationToken.None))
            .Select(c => c.Run!).ToList();
        var chosen = runs.Where((_, i) => i % 2 == 0).ToList();

        var begun = await Task.WhenAll(chosen.Select((run, i) =>
            scope.Store.BeginAttemptAsync(run.Id, 1 + i % 3, "a", Leader(1), T0.AddSeconds(i), CancellationToken.None)));
        var ended = await Task.WhenAll(chosen.Select((run, i) =>
            scope.Store.CompleteAsync(run.Id, Ended(RunOutcome.Failed, 500 + i % 7, error: $"run {i}"), CancellationToken.None)));

        Assert.All(begun, Assert.True);
        Assert.All(ended, Assert.True);
        for (var i = 0; i < chosen.Count; i += 37)
        {
            var stored = (await scope.Store.GetAsync(chosen[i].Id, CancellationToken.None))!;
            Assert.Equal((1 + i % 3, T0.AddSeconds(i), RunOutcome.Failed, 500 + i % 7, $"run {i}"),
                (stored.Attempts, stored.StartedAt!.Value, stored.Outcome!.Value, stored.HttpStatus!.Value, stored.Error));
        }
        Assert.Equal(500, await scope.ScalarAsync("select count(*) from {schema}.dispatch_runs where outcome is null and attempts = 0"));
    }

    [Fact]
    public async Task Only_an_unfinished_run_of_another_leadership_that_never_began_an_attempt_is_adopted()
    {
        await using var scope = Fresh(postgres);
        var job = NewJob();
        await scope.Store.TakeOverAsync("old", Leader(1), CancellationToken.None);
        var runs = (await scope.Store.ClaimAsync(
                [Occurrence(job, 0), Occurrence(job, 1), Occurrence(job, 2)], "old", Leader(1), T0, CancellationToken.None))
            .Select(c => c.Run!).ToList();
        await scope.Store.BeginAttemptAsync(runs[1].Id, 1, "old", Leader(1), T0, CancellationToken.None);
        await scope.Store.CompleteAsync(runs[2].Id, Ended(RunOutcome.Succeeded, 200), CancellationToken.None);
        await scope.Store.TakeOverAsync("new", Leader(2), CancellationToken.None);
        var ownedByNew = (await scope.Store.ClaimAsync([Occurrence(job, 3)], "new", Leader(2), T0, CancellationToken.None))[0].Run!;
        var trigger = await scope.Store.RequestTriggerAsync(job, 1, T0, CancellationToken.None);
        Assert.Equal(runs.Select(r => r.Id).Take(2).Append(ownedByNew.Id),
            (await scope.Store.UnfinishedAsync(CancellationToken.None)).Select(r => r.Id));

        var adopted = await scope.Store.AdoptAsync(runs[0].Id, "new", Leader(2), T0.AddMinutes(5), CancellationToken.None);

        Assert.Equal(("new", 2L, T0.AddMinutes(5), 0), (adopted!.ClaimedBy!, adopted.Epoch!.Value, adopted.ClaimedAt!.Value, adopted.Attempts));
        Assert.Null(await scope.Store.AdoptAsync(runs[0].Id, "new", Leader(2), T0, CancellationToken.None));
        Assert.Null(await scope.Store.AdoptAsync(runs[1].Id, "new", Leader(2), T0, CancellationToken.None));
        Assert.Null(await scope.Store.AdoptAsync(runs[2].Id, "new", Leader(2), T0, CancellationToken.None));
        Assert.Null(await scope.Store.AdoptAsync(ownedByNew.Id, "new", Leader(2), T0, CancellationToken.None));
        Assert.Null(await scope.Store.AdoptAsync(trigger.Id, "new", Leader(2), T0, CancellationToken.None));
        Assert.Null(await scope.Store.AdoptAsync(long.MaxValue, "new", Leader(2), T0, CancellationToken.None));
        // The old owner lost it: it may not begin the call the new owner will make.
        await Assert.ThrowsAsync<FencedException>(() => scope.Store.BeginAttemptAsync(runs[0].Id, 1, "old", Leader(1), T0, CancellationToken.None));
        Assert.True(await scope.Store.BeginAttemptAsync(runs[0].Id, 1, "new", Leader(2), T0, CancellationToken.None));
    }

    [Fact]
    public async Task Adopting_many_runs_at_once_takes_exactly_those_a_single_adoption_would_take()
    {
        await using var scope = Fresh(postgres);
        var job = NewJob();
        await scope.Store.TakeOverAsync("old", Leader(1), CancellationToken.None);
        var runs = (await scope.Store.ClaimAsync(
                [Occurrence(job, 0), Occurrence(job, 1), Occurrence(job, 2), Occurrence(job, 3)], "old", Leader(1), T0, CancellationToken.None))
            .Select(c => c.Run!).ToList();
        await scope.Store.BeginAttemptAsync(runs[1].Id, 1, "old", Leader(1), T0, CancellationToken.None);
        await scope.Store.CompleteAsync(runs[2].Id, Ended(RunOutcome.Succeeded, 200), CancellationToken.None);
        await scope.Store.TakeOverAsync("new", Leader(2), CancellationToken.None);
        var ownedByNew = (await scope.Store.ClaimAsync([Occurrence(job, 4)], "new", Leader(2), T0, CancellationToken.None))[0].Run!;
        var trigger = await scope.Store.RequestTriggerAsync(job, 1, T0, CancellationToken.None);

        var adopted = await scope.Store.AdoptAllAsync(
            [.. runs.Select(r => r.Id), ownedByNew.Id, trigger.Id, long.MaxValue], "new", Leader(2), T0.AddMinutes(5), CancellationToken.None);
        var again = await scope.Store.AdoptAllAsync([runs[0].Id, runs[3].Id], "new", Leader(2), T0, CancellationToken.None);

        Assert.Equal(
            [(runs[0].Id, "new", 2L, T0.AddMinutes(5)), (runs[3].Id, "new", 2L, T0.AddMinutes(5))],
            adopted.OrderBy(r => r.Id).Select(r => (r.Id, r.ClaimedBy!, r.Epoch!.Value, r.ClaimedAt!.Value)));
        Assert.Empty(again);
        await Assert.ThrowsAsync<FencedException>(() => scope.Store.AdoptAllAsync([runs[0].Id], "old", Leader(1), T0, CancellationToken.None));
    }

    [Fact]
    public async Task Outcomes_each_its_own_are_written_together_and_a_fenced_write_writes_nothing()
    {
        await using var scope = Fresh(postgres);
        await using var deposed = scope.OtherNode();
        var job = NewJob();
        var other = NewJob();
        await scope.Store.TakeOverAsync("a", Leader(1), CancellationToken.None);
        var already = (await scope.Store.ClaimAsync([Occurrence(other, 1)], "a", Leader(1), T0, CancellationToken.None))[0].Run!;
        await scope.Store.TakeOverAsync("b", Leader(2), CancellationToken.None);
        var misfired = Ended(RunOutcome.Misfired);

        var refused = await Record.ExceptionAsync(() => deposed.ResolveEachWithoutCallAsync(
            [new ResolvedOccurrence(Occurrence(job, 4), misfired)], "a", Leader(1), T0, CancellationToken.None));
        var countAfterRefusal = await scope.ScalarAsync("select count(*) from {schema}.dispatch_runs");
        var results = await scope.Store.ResolveEachWithoutCallAsync(
            [
                new ResolvedOccurrence(Occurrence(job, 1), misfired), new ResolvedOccurrence(Occurrence(job, 2), misfired with { Error = "older" }),
                new ResolvedOccurrence(Occurrence(other, 1), misfired),
            ],
            "b", Leader(2), T0.AddMinutes(1), CancellationToken.None);

        Assert.IsType<FencedException>(refused);
        Assert.Equal(1, countAfterRefusal);
        Assert.Equal(3, results.Count);
        Assert.Equal([RunOutcome.Misfired, RunOutcome.Misfired], results.Take(2).Select(r => r.Run!.Outcome!.Value));
        Assert.Null(results[2].Run);
        var recorded = (await scope.Store.UnfinishedAsync(CancellationToken.None)).Select(r => r.Id).ToList();
        Assert.Equal([already.Id], recorded);
        Assert.Equal(3, await scope.ScalarAsync("select count(*) from {schema}.dispatch_runs"));
        Assert.Equal(2, await scope.ScalarAsync("select count(*) from {schema}.dispatch_runs where outcome = 'misfired' and claimed_by = 'b'"));
        Assert.Equal(1, await scope.ScalarAsync("select count(*) from {schema}.dispatch_runs where error = 'older'"));
    }

    [Fact]
    public async Task Adoption_and_the_old_owners_first_attempt_racing_for_one_run_never_both_win()
    {
        await using var scope = Fresh(postgres);
        await using var newLeader = scope.OtherNode();
        var job = NewJob();
        await scope.Store.TakeOverAsync("old", Leader(1), CancellationToken.None);
        var runs = (await scope.Store.ClaimAsync(
                [.. Enumerable.Range(0, 40).Select(minute => Occurrence(job, minute))], "old", Leader(1), T0, CancellationToken.None))
            .Select(c => c.Run!).ToList();
        // The new leader takes over while the old one begins its calls: each begin either ran before the take-over
        // (then adoption leaves the run alone) or is refused by the fence (then the run is adopted).
        var takeOver = newLeader.TakeOverAsync("new", Leader(2), CancellationToken.None);

        var raced = await Task.WhenAll(runs.Select(run => Task.Run(async () =>
        {
            var begin = BeginOrFencedAsync(scope.Store.BeginAttemptAsync(run.Id, 1, "old", Leader(1), T0, CancellationToken.None));
            await takeOver;
            var adopt = newLeader.AdoptAsync(run.Id, "new", Leader(2), T0, CancellationToken.None);
            return (Begun: await begin, Adopted: await adopt is not null);
        })));

        Assert.All(raced, r => Assert.True(r.Begun != r.Adopted, $"begun {r.Begun}, adopted {r.Adopted}"));
    }

    private static async Task<bool> BeginOrFencedAsync(Task<bool> begin)
    {
        try
        {
            return await begin;
        }
        catch (FencedException)
        {
            return false;
        }
    }

    [Fact]
    public async Task The_latest_scheduled_instant_per_job_counts_scheduled_runs_and_misfire_records_but_not_catch_up_or_manual_runs()
    {
        await using var scope = Fresh(postgres);
        var job = NewJob();
        var other = NewJob();
        var catchUpOnly = NewJob();
        var manualOnly = NewJob();
        await scope.Store.TakeOverAsync("a", Leader(1), CancellationToken.None);
        await scope.Store.ClaimAsync(
            [Occurrence(job, 5), Occurrence(job, 12, RunKind.CatchUp), Occurrence(other, 1), Occurrence(catchUpOnly, 3, RunKind.CatchUp)],
            "a", Leader(1), T0, CancellationToken.None);
        await scope.Store.ResolveWithoutCallAsync([Occurrence(job, 9)], Ended(RunOutcome.Misfired), "a", Leader(1), CancellationToken.None);
        await scope.Store.RequestTriggerAsync(job, 1, T0.AddHours(5), CancellationToken.None);
        await scope.Store.RequestTriggerAsync(manualOnly, 1, T0, CancellationToken.None);

        var latest = await scope.Store.LatestScheduledAsync(CancellationToken.None);

        Assert.Equal(2, latest.Count);
        Assert.Equal(T0.AddMinutes(9), latest[job]);
        Assert.Equal(T0.AddMinutes(1), latest[other]);
    }
}
