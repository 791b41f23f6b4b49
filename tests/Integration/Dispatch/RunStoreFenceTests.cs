using JobLog.Dispatch;
using JobLog.Integration.Fixtures;
using Npgsql;
using Xunit;
using static JobLog.Integration.Dispatch.RunStoreScope;

namespace JobLog.Integration.Dispatch;

/// <summary>
/// The fence on a real PostgreSQL: a dispatcher write succeeds only under the leadership the fence holds; a take-over is
/// refused only to a smaller epoch of the fence's own incarnation.
/// </summary>
[Collection(PostgresFixture.Collection)]
public sealed class RunStoreFenceTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_take_over_by_a_smaller_epoch_is_refused_naming_both_epochs_and_leaves_the_fence_where_it_was()
    {
        await using var scope = Fresh(postgres);
        await scope.Store.TakeOverAsync("b", Leader(7), CancellationToken.None);

        var refused = await Assert.ThrowsAsync<FencedException>(() => scope.Store.TakeOverAsync("a", Leader(6), CancellationToken.None));

        Assert.Equal((Leader(6), HeldBy("b", 7)), (refused.Token, refused.Fence));
        Assert.Equal(7, await scope.ScalarAsync("select epoch from {schema}.dispatch_fence"));
    }

    [Fact]
    public async Task A_leader_may_take_over_again_with_the_epoch_it_holds()
    {
        await using var scope = Fresh(postgres);
        var alone = DispatchFenceToken.Alone();
        await scope.Store.TakeOverAsync("alone", alone, CancellationToken.None);
        Assert.Equal(new FenceHolder(alone.Incarnation, 0, "alone"), await scope.Store.TakeOverAsync("alone", alone, CancellationToken.None));
        await scope.Store.TakeOverAsync("b", Leader(3), CancellationToken.None);
        Assert.Equal(HeldBy("b", 3), await scope.Store.TakeOverAsync("b", Leader(3), CancellationToken.None));

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
        await store.TakeOverAsync("a", Leader(1), CancellationToken.None);
        var claimed = (await store.ClaimAsync([Occurrence(job, 0)], "a", Leader(1), T0, CancellationToken.None))[0].Run!;
        var trigger = await store.RequestTriggerAsync(job, 1, T0, CancellationToken.None);
        await store.TakeOverAsync("b", Leader(2), CancellationToken.None);
        var before = await Snapshot(scope);

        var refusals = new (string Write, Func<Task> Call)[]
        {
            ("claim", () => store.ClaimAsync([Occurrence(job, 1)], "a", Leader(1), T0, CancellationToken.None)),
            ("resolve", () => store.ResolveWithoutCallAsync([Occurrence(job, 2)], Ended(RunOutcome.Misfired), "a", Leader(1), CancellationToken.None)),
            ("begin attempt", () => store.BeginAttemptAsync(claimed.Id, 1, "a", Leader(1), T0, CancellationToken.None)),
            ("adopt", () => store.AdoptAsync(claimed.Id, "a", Leader(1), T0, CancellationToken.None)),
            ("claim trigger", () => store.ClaimTriggerAsync(trigger.Id, "a", Leader(1), T0, CancellationToken.None)),
            ("take over", () => store.TakeOverAsync("a", Leader(1), CancellationToken.None)),
        };
        foreach (var (write, call) in refusals)
        {
            var refused = await Assert.ThrowsAsync<FencedException>(call);
            Assert.True((refused.Token, refused.Fence) == (Leader(1), HeldBy("b", 2)), $"{write}: refused as {refused.Token} under {refused.Fence}");
        }

        Assert.Equal(before, await Snapshot(scope));
    }

    [Fact]
    public async Task Recording_an_outcome_is_not_fenced_because_the_call_was_made()
    {
        await using var scope = Fresh(postgres);
        await scope.Store.TakeOverAsync("a", Leader(1), CancellationToken.None);
        var run = (await scope.Store.ClaimAsync([Occurrence(NewJob(), 0)], "a", Leader(1), T0, CancellationToken.None))[0].Run!;
        Assert.True(await scope.Store.BeginAttemptAsync(run.Id, 1, "a", Leader(1), T0, CancellationToken.None));
        await scope.Store.TakeOverAsync("b", Leader(2), CancellationToken.None);

        Assert.True(await scope.Store.CompleteAsync(run.Id, Ended(RunOutcome.Succeeded, 200), CancellationToken.None));
        Assert.Equal(RunOutcome.Succeeded, (await scope.Store.GetAsync(run.Id, CancellationToken.None))!.Outcome);
    }

    [Fact]
    public async Task A_zombie_batch_that_meets_a_take_over_in_progress_waits_for_it_and_is_then_refused_whole()
    {
        await using var scope = Fresh(postgres);
        var job = NewJob();
        await scope.Store.TakeOverAsync("zombie", Leader(1), CancellationToken.None);

        // The new leader's take-over, held open after it locked and raised the fence.
        await using var takeOver = await scope.OpenAsync();
        await using var transaction = await takeOver.BeginTransactionAsync();
        await Execute(takeOver, $"select epoch from {scope.Schema}.dispatch_fence where id = 1 for update; " +
                                $"update {scope.Schema}.dispatch_fence set epoch = 2, node = 'leader' where id = 1", transaction);

        var batch = scope.Store.ClaimAsync(
            [Occurrence(job, 0), Occurrence(job, 1), Occurrence(job, 2)], "zombie", Leader(1), T0, CancellationToken.None);
        await Eventually(() => scope.LockWaitersAsync(), Within, "the zombie's batch waits on the fence row");
        Assert.False(batch.IsCompleted);
        await transaction.CommitAsync();

        var refused = await Assert.ThrowsAsync<FencedException>(() => batch);
        Assert.Equal((Leader(1), HeldBy("leader", 2)), (refused.Token, refused.Fence));
        Assert.Equal(0, await scope.ScalarAsync("select count(*) from {schema}.dispatch_runs"));
    }

    [Fact]
    public async Task A_take_over_waits_for_a_zombie_batch_already_writing_and_the_zombies_next_write_is_refused()
    {
        await using var scope = Fresh(postgres);
        await using var newLeader = scope.OtherNode();
        var job = NewJob();

        // Another writer holds the batch's second occurrence uncommitted, so the zombie's batch stops half way, fence held.
        await scope.Store.TakeOverAsync("zombie", Leader(1), CancellationToken.None);
        await scope.Store.ClaimAsync([Occurrence(NewJob(), 0)], "zombie", Leader(1), T0, CancellationToken.None);
        await newLeader.UnfinishedAsync(CancellationToken.None);
        await using var holder = await scope.OpenAsync();
        await using var held = await holder.BeginTransactionAsync();
        await Execute(holder,
            $"insert into {scope.Schema}.dispatch_runs (job_id, job_version, scheduled_at, kind, claimed_by, epoch, claimed_at) " +
            $"values ('{job.Value}', 1, '{T0.AddMinutes(1):O}', 'scheduled', 'other', 1, now())", held);

        var batch = scope.Store.ClaimAsync(
            [Occurrence(job, 0), Occurrence(job, 1), Occurrence(job, 2)], "zombie", Leader(1), T0, CancellationToken.None);
        await Eventually(() => scope.LockWaitersAsync(), Within, "the zombie's batch waits on the held occurrence");
        var takeOver = newLeader.TakeOverAsync("leader", Leader(2), CancellationToken.None);
        await Eventually(() => scope.LockWaitersAsync(atLeast: 2), Within, "the take-over waits for the zombie's batch");
        Assert.False(takeOver.IsCompleted);

        await held.RollbackAsync();
        var claims = await batch;
        await takeOver;

        // The batch committed before the take-over returned: all of it, the held occurrence included once it was free.
        Assert.All(claims, c => Assert.NotNull(c.Run));
        var refused = await Assert.ThrowsAsync<FencedException>(
            () => scope.Store.BeginAttemptAsync(claims[0].Run!.Id, 1, "zombie", Leader(1), T0, CancellationToken.None));
        Assert.Equal((Leader(1), HeldBy("leader", 2)), (refused.Token, refused.Fence));
    }

    [Fact]
    public async Task A_leader_of_another_incarnation_takes_over_from_any_epoch_and_a_smaller_epoch_of_the_fences_own_is_refused()
    {
        await using var scope = Fresh(postgres);
        await scope.Store.TakeOverAsync("old", new DispatchFenceToken("old-election", 57), CancellationToken.None);

        var held = await scope.Store.TakeOverAsync("new", new DispatchFenceToken("new-election", 3), CancellationToken.None);
        var refused = await Assert.ThrowsAsync<FencedException>(
            () => scope.Store.TakeOverAsync("stale", new DispatchFenceToken("new-election", 2), CancellationToken.None));
        var alone = DispatchFenceToken.Alone();
        var heldThen = await scope.Store.TakeOverAsync("alone", alone, CancellationToken.None);

        Assert.Equal(new FenceHolder("old-election", 57, "old"), held);
        Assert.Equal(new FenceHolder("new-election", 3, "new"), refused.Fence);
        Assert.Equal(new FenceHolder("new-election", 3, "new"), heldThen);
        await scope.Store.ClaimAsync([Occurrence(NewJob(), 0)], "alone", alone, T0, CancellationToken.None);
    }

    [Theory]
    [InlineData("election-a", 4)]
    [InlineData("election-a", 6)]
    [InlineData("election-b", 5)]
    [InlineData("alone-0123456789abcdef", 0)]
    public async Task A_dispatcher_write_succeeds_only_under_the_very_leadership_the_fence_holds(string incarnation, long epoch)
    {
        await using var scope = Fresh(postgres);
        var store = scope.Store;
        var job = NewJob();
        var holder = new DispatchFenceToken("election-a", 5);
        var other = new DispatchFenceToken(incarnation, epoch);
        await store.TakeOverAsync("a", holder, CancellationToken.None);
        var claimed = (await store.ClaimAsync([Occurrence(job, 0)], "a", holder, T0, CancellationToken.None))[0].Run!;
        var trigger = await store.RequestTriggerAsync(job, 1, T0, CancellationToken.None);
        var before = await Snapshot(scope);

        var refusals = new (string Write, Func<Task> Call)[]
        {
            ("claim", () => store.ClaimAsync([Occurrence(job, 1)], "a", other, T0, CancellationToken.None)),
            ("resolve", () => store.ResolveWithoutCallAsync([Occurrence(job, 2)], Ended(RunOutcome.Misfired), "a", other, CancellationToken.None)),
            ("begin attempt", () => store.BeginAttemptAsync(claimed.Id, 1, "a", other, T0, CancellationToken.None)),
            ("adopt", () => store.AdoptAsync(claimed.Id, "a", other, T0, CancellationToken.None)),
            ("claim trigger", () => store.ClaimTriggerAsync(trigger.Id, "a", other, T0, CancellationToken.None)),
        };
        foreach (var (write, call) in refusals)
        {
            var refused = await Assert.ThrowsAsync<FencedException>(call);
            Assert.True((refused.Token, refused.Fence) == (other, new FenceHolder("election-a", 5, "a")), $"{write}: {refused.Message}");
        }

        Assert.Equal(before, await Snapshot(scope));
        Assert.True(await store.BeginAttemptAsync(claimed.Id, 1, "a", holder, T0, CancellationToken.None));
    }

    [Fact]
    public async Task A_store_made_before_incarnations_gains_them_and_a_node_without_ZooKeeper_takes_over_its_fence_of_57_and_adopts_its_claims()
    {
        await using var scope = Fresh(postgres);
        var job = NewJob();
        var since = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        await using (var connection = await scope.OpenAsync())
        {
            // The tables as the first release made them: no incarnation anywhere; a cluster led up to epoch 57.
            await using var transaction = await connection.BeginTransactionAsync();
            await Execute(connection, $"""
                create schema {scope.Schema};
                create table {scope.Schema}.dispatch_fence (
                    id smallint primary key check (id = 1), epoch bigint not null, node text, taken_at timestamptz,
                    dispatching_since timestamptz);
                insert into {scope.Schema}.dispatch_fence values (1, 57, 'node1', now(), '{since:O}');
                create table {scope.Schema}.dispatch_runs (
                    id bigint generated always as identity primary key, job_id text not null, job_version bigint not null,
                    scheduled_at timestamptz not null, kind text not null, trigger_id uuid, claimed_by text, epoch bigint,
                    claimed_at timestamptz, started_at timestamptz, ended_at timestamptz, attempts integer not null default 0,
                    outcome text, http_status integer, error text);
                create unique index dispatch_runs_occurrence on {scope.Schema}.dispatch_runs (job_id, scheduled_at) where kind <> 'manual';
                create unique index dispatch_runs_trigger on {scope.Schema}.dispatch_runs (trigger_id) where trigger_id is not null;
                create index dispatch_runs_job on {scope.Schema}.dispatch_runs (job_id, id desc);
                create index dispatch_runs_scheduled on {scope.Schema}.dispatch_runs (scheduled_at);
                create index dispatch_runs_unfinished on {scope.Schema}.dispatch_runs (id) where outcome is null;
                insert into {scope.Schema}.dispatch_runs (job_id, job_version, scheduled_at, kind, claimed_by, epoch, claimed_at)
                values ('{job.Value}', 1, '{T0:O}', 'scheduled', 'node1', 0, now());
                """, transaction);
            await transaction.CommitAsync();
        }
        await using var store = scope.OtherNode();
        var alone = DispatchFenceToken.Alone();

        var held = await store.TakeOverAsync("node1", alone, CancellationToken.None);
        var old = Assert.Single(await store.UnfinishedAsync(CancellationToken.None));
        var adopted = await store.AdoptAsync(old.Id, "node1", alone, T0.AddMinutes(1), CancellationToken.None);

        Assert.Equal(new FenceHolder(null, 57, "node1"), held);
        Assert.Equal(("node1", 0L, (string?)null), (old.ClaimedBy!, old.Epoch!.Value, old.Incarnation));
        Assert.Equal((alone.Incarnation, 0L), (adopted!.Incarnation!, adopted.Epoch!.Value));
        Assert.Equal(since, await store.DispatchingSinceAsync(T0, CancellationToken.None));
        Assert.NotNull((await store.ClaimAsync([Occurrence(job, 1)], "node1", alone, T0, CancellationToken.None))[0].Run);
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
