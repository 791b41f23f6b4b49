using JobLog.Dispatch;
using JobLog.Integration.Fixtures;
using Npgsql;
using Xunit;
using static JobLog.Integration.Dispatch.RunStoreScope;

namespace JobLog.Integration.Dispatch;

/// <summary>The fence on a real PostgreSQL: once a larger epoch took over, every dispatcher write of a smaller one is refused.</summary>
[Collection(PostgresFixture.Collection)]
public sealed class RunStoreFenceTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_take_over_by_a_smaller_epoch_is_refused_naming_both_epochs_and_leaves_the_fence_where_it_was()
    {
        await using var scope = Fresh(postgres);
        await scope.Store.TakeOverAsync("b", 7, CancellationToken.None);

        var refused = await Assert.ThrowsAsync<FencedException>(() => scope.Store.TakeOverAsync("a", 6, CancellationToken.None));

        Assert.Equal((6, 7), (refused.Epoch, refused.Fence));
        Assert.Equal(7, await scope.ScalarAsync("select epoch from {schema}.dispatch_fence"));
    }

    [Fact]
    public async Task A_leader_may_take_over_again_with_the_epoch_it_holds()
    {
        await using var scope = Fresh(postgres);
        await scope.Store.TakeOverAsync("alone", 0, CancellationToken.None);
        await scope.Store.TakeOverAsync("alone", 0, CancellationToken.None);
        await scope.Store.TakeOverAsync("b", 3, CancellationToken.None);
        await scope.Store.TakeOverAsync("b", 3, CancellationToken.None);

        Assert.Equal(3, await scope.ScalarAsync("select epoch from {schema}.dispatch_fence"));
    }

    [Fact]
    public async Task Dispatching_begins_at_the_first_instant_asked_for_and_stays_there()
    {
        await using var scope = Fresh(postgres);
        var first = new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero);

        Assert.Equal(first, await scope.Store.DispatchingSinceAsync(first, CancellationToken.None));
        Assert.Equal(first, await scope.Store.DispatchingSinceAsync(first.AddHours(1), CancellationToken.None));
    }

    [Fact]
    public async Task Every_dispatcher_write_of_a_deposed_epoch_is_refused_with_both_epochs_and_changes_nothing()
    {
        await using var scope = Fresh(postgres);
        var store = scope.Store;
        var job = NewJob();
        var claimed = (await store.ClaimAsync([Occurrence(job, 0)], "a", 1, T0, CancellationToken.None))[0].Run!;
        var trigger = await store.RequestTriggerAsync(job, 1, T0, CancellationToken.None);
        await store.TakeOverAsync("b", 2, CancellationToken.None);
        var before = await Snapshot(scope);

        var refusals = new (string Write, Func<Task> Call)[]
        {
            ("claim", () => store.ClaimAsync([Occurrence(job, 1)], "a", 1, T0, CancellationToken.None)),
            ("resolve", () => store.ResolveWithoutCallAsync([Occurrence(job, 2)], Ended(RunOutcome.Misfired), "a", 1, CancellationToken.None)),
            ("begin attempt", () => store.BeginAttemptAsync(claimed.Id, 1, "a", 1, T0, CancellationToken.None)),
            ("adopt", () => store.AdoptAsync(claimed.Id, "a", 1, T0, CancellationToken.None)),
            ("claim trigger", () => store.ClaimTriggerAsync(trigger.Id, "a", 1, T0, CancellationToken.None)),
            ("take over", () => store.TakeOverAsync("a", 1, CancellationToken.None)),
        };
        foreach (var (write, call) in refusals)
        {
            var refused = await Assert.ThrowsAsync<FencedException>(call);
            Assert.True((refused.Epoch, refused.Fence) == (1, 2), $"{write}: refused as epoch {refused.Epoch} below {refused.Fence}");
        }

        Assert.Equal(before, await Snapshot(scope));
    }

    [Fact]
    public async Task Recording_an_outcome_is_not_fenced_because_the_call_was_made()
    {
        await using var scope = Fresh(postgres);
        var run = (await scope.Store.ClaimAsync([Occurrence(NewJob(), 0)], "a", 1, T0, CancellationToken.None))[0].Run!;
        Assert.True(await scope.Store.BeginAttemptAsync(run.Id, 1, "a", 1, T0, CancellationToken.None));
        await scope.Store.TakeOverAsync("b", 2, CancellationToken.None);

        Assert.True(await scope.Store.CompleteAsync(run.Id, Ended(RunOutcome.Succeeded, 200), CancellationToken.None));
        Assert.Equal(RunOutcome.Succeeded, (await scope.Store.GetAsync(run.Id, CancellationToken.None))!.Outcome);
    }

    [Fact]
    public async Task A_zombie_batch_that_meets_a_take_over_in_progress_waits_for_it_and_is_then_refused_whole()
    {
        await using var scope = Fresh(postgres);
        var job = NewJob();
        await scope.Store.TakeOverAsync("zombie", 1, CancellationToken.None);

        // The new leader's take-over, held open after it locked and raised the fence.
        await using var takeOver = await scope.OpenAsync();
        await using var transaction = await takeOver.BeginTransactionAsync();
        await Execute(takeOver, $"select epoch from {scope.Schema}.dispatch_fence where id = 1 for update; " +
                                $"update {scope.Schema}.dispatch_fence set epoch = 2, node = 'leader' where id = 1", transaction);

        var batch = scope.Store.ClaimAsync(
            [Occurrence(job, 0), Occurrence(job, 1), Occurrence(job, 2)], "zombie", 1, T0, CancellationToken.None);
        await Eventually(() => scope.LockWaitersAsync(), Within, "the zombie's batch waits on the fence row");
        Assert.False(batch.IsCompleted);
        await transaction.CommitAsync();

        var refused = await Assert.ThrowsAsync<FencedException>(() => batch);
        Assert.Equal((1, 2), (refused.Epoch, refused.Fence));
        Assert.Equal(0, await scope.ScalarAsync("select count(*) from {schema}.dispatch_runs"));
    }

    [Fact]
    public async Task A_take_over_waits_for_a_zombie_batch_already_writing_and_the_zombies_next_write_is_refused()
    {
        await using var scope = Fresh(postgres);
        await using var newLeader = scope.OtherNode();
        var job = NewJob();

        // Another writer holds the batch's second occurrence uncommitted, so the zombie's batch stops half way, fence held.
        await scope.Store.ClaimAsync([Occurrence(NewJob(), 0)], "warm-up", 1, T0, CancellationToken.None);
        await newLeader.UnfinishedAsync(CancellationToken.None);
        await using var holder = await scope.OpenAsync();
        await using var held = await holder.BeginTransactionAsync();
        await Execute(holder,
            $"insert into {scope.Schema}.dispatch_runs (job_id, job_version, scheduled_at, kind, claimed_by, epoch, claimed_at) " +
            $"values ('{job.Value}', 1, '{T0.AddMinutes(1):O}', 'scheduled', 'other', 1, now())", held);

        var batch = scope.Store.ClaimAsync(
            [Occurrence(job, 0), Occurrence(job, 1), Occurrence(job, 2)], "zombie", 1, T0, CancellationToken.None);
        await Eventually(() => scope.LockWaitersAsync(), Within, "the zombie's batch waits on the held occurrence");
        var takeOver = newLeader.TakeOverAsync("leader", 2, CancellationToken.None);
        await Eventually(() => scope.LockWaitersAsync(atLeast: 2), Within, "the take-over waits for the zombie's batch");
        Assert.False(takeOver.IsCompleted);

        await held.RollbackAsync();
        var claims = await batch;
        await takeOver;

        // The batch committed before the take-over returned: all of it, the held occurrence included once it was free.
        Assert.All(claims, c => Assert.NotNull(c.Run));
        var refused = await Assert.ThrowsAsync<FencedException>(
            () => scope.Store.BeginAttemptAsync(claims[0].Run!.Id, 1, "zombie", 1, T0, CancellationToken.None));
        Assert.Equal((1, 2), (refused.Epoch, refused.Fence));
    }

    private static async Task<string> Snapshot(RunStoreScope scope)
    {
        await using var connection = await scope.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select coalesce(string_agg(r::text, E'\\n' order by id), '') || (select f::text from {scope.Schema}.dispatch_fence f) " +
            $"from {scope.Schema}.dispatch_runs r",
            connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, NpgsqlTransaction transaction)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync();
    }
}
