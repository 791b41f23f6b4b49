using JobLog.Dispatch;
using JobLog.Integration.Fixtures;
using Npgsql;
using Xunit;
using static JobLog.Integration.Dispatch.RunStoreScope;

namespace JobLog.Integration.Dispatch;

/// <summary>Manual triggers: recorded by any node, woken by NOTIFY, claimed once by the leader.</summary>
[Collection(PostgresFixture.Collection)]
public sealed class RunStoreTriggerTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_trigger_waits_unclaimed_until_one_leader_claims_it_once()
    {
        await using var scope = Fresh(postgres);
        await using var otherNode = scope.OtherNode();
        var job = NewJob();

        var first = await otherNode.RequestTriggerAsync(job, 3, T0, CancellationToken.None);
        var second = await otherNode.RequestTriggerAsync(job, 3, T0, CancellationToken.None);

        Assert.Equal((RunKind.Manual, 3L, T0, (string?)null, 0, false), (first.Kind, first.JobVersion, first.ScheduledAt, first.ClaimedBy, first.Attempts, first.InFlight));
        Assert.NotEqual(first.TriggerId, second.TriggerId);
        Assert.Equal([first.Id, second.Id], (await scope.Store.PendingTriggersAsync(CancellationToken.None)).Select(r => r.Id));
        Assert.Empty(await scope.Store.UnfinishedAsync(CancellationToken.None));

        // One leader polling on two connections (its trigger loop and its take-over) races itself for the trigger.
        await scope.Store.TakeOverAsync("a", Leader(1), CancellationToken.None);
        var claims = await Task.WhenAll(
            Task.Run(() => scope.Store.ClaimTriggerAsync(first.Id, "a", Leader(1), T0, CancellationToken.None)),
            Task.Run(() => otherNode.ClaimTriggerAsync(first.Id, "a", Leader(1), T0, CancellationToken.None)));

        var claimed = Assert.Single(claims, c => c is not null)!;
        Assert.Equal((first.Id, first.TriggerId), (claimed.Id, claimed.TriggerId));
        Assert.True(claimed.InFlight);
        Assert.Equal([second.Id], (await scope.Store.PendingTriggersAsync(CancellationToken.None)).Select(r => r.Id));
        Assert.Equal([first.Id], (await scope.Store.UnfinishedAsync(CancellationToken.None)).Select(r => r.Id));
        await scope.Store.TakeOverAsync("b", Leader(2), CancellationToken.None);
        Assert.Null(await scope.Store.ClaimTriggerAsync(first.Id, "b", Leader(2), T0, CancellationToken.None));
        Assert.Null(await scope.Store.ClaimTriggerAsync(long.MaxValue, "b", Leader(2), T0, CancellationToken.None));
    }

    [Fact]
    public async Task A_trigger_no_dispatcher_claimed_gets_no_outcome_and_stays_pending()
    {
        await using var scope = Fresh(postgres);
        var trigger = await scope.Store.RequestTriggerAsync(NewJob(), 1, T0, CancellationToken.None);

        Assert.False(await scope.Store.CompleteAsync(trigger.Id, Ended(RunOutcome.Succeeded, 200), CancellationToken.None));

        Assert.Equal([trigger], await scope.Store.PendingTriggersAsync(CancellationToken.None));
        await scope.Store.TakeOverAsync("a", Leader(1), CancellationToken.None);
        Assert.NotNull(await scope.Store.ClaimTriggerAsync(trigger.Id, "a", Leader(1), T0, CancellationToken.None));
    }

    [Fact]
    public async Task A_scheduled_run_cannot_be_claimed_as_a_trigger()
    {
        await using var scope = Fresh(postgres);
        await scope.Store.TakeOverAsync("a", Leader(1), CancellationToken.None);
        var run = (await scope.Store.ClaimAsync([Occurrence(NewJob(), 0)], "a", Leader(1), T0, CancellationToken.None))[0].Run!;
        var resolved = (await scope.Store.ResolveWithoutCallAsync([Occurrence(NewJob(), 0)], Ended(RunOutcome.Misfired), "a", Leader(1), CancellationToken.None))[0].Run!;

        Assert.Null(await scope.Store.ClaimTriggerAsync(run.Id, "a", Leader(1), T0, CancellationToken.None));
        Assert.Null(await scope.Store.ClaimTriggerAsync(resolved.Id, "a", Leader(1), T0, CancellationToken.None));
    }

    [Fact]
    public async Task A_trigger_requested_on_another_node_wakes_the_leader_waiting_for_one()
    {
        await using var scope = Fresh(postgres);
        await using var otherNode = scope.OtherNode();
        using var timeout = new CancellationTokenSource(Within);
        // The first wait returns once the listener is in place (a request before it would have gone unheard).
        await scope.Store.WaitForTriggerAsync(timeout.Token);

        var woken = scope.Store.WaitForTriggerAsync(timeout.Token);
        Assert.False(woken.IsCompleted);
        var trigger = await otherNode.RequestTriggerAsync(NewJob(), 1, T0, CancellationToken.None);
        await woken;

        Assert.Equal([trigger.Id], (await scope.Store.PendingTriggersAsync(CancellationToken.None)).Select(r => r.Id));
    }

    [Fact]
    public async Task A_trigger_requested_between_two_waits_is_not_slept_through()
    {
        await using var scope = Fresh(postgres);
        using var timeout = new CancellationTokenSource(Within);
        await scope.Store.WaitForTriggerAsync(timeout.Token);
        Assert.Empty(await scope.Store.PendingTriggersAsync(CancellationToken.None));

        // Requested while nobody waits: the next wait returns (at once, or when the notification arrives), never at the deadline.
        await scope.Store.RequestTriggerAsync(NewJob(), 1, T0, CancellationToken.None);
        await scope.Store.WaitForTriggerAsync(timeout.Token);

        Assert.Single(await scope.Store.PendingTriggersAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_waiter_returns_early_when_the_listener_loses_its_connection_and_is_woken_again_after_it_reconnects()
    {
        await using var scope = Fresh(postgres);
        using var timeout = new CancellationTokenSource(Within);
        await scope.Store.WaitForTriggerAsync(timeout.Token);

        var waiting = scope.Store.WaitForTriggerAsync(timeout.Token);
        Assert.Equal(1, await TerminateListenersAsync(scope));
        await waiting;

        // Back on a new connection, requests wake the waiter again; two rounds, so the wake-up the reconnection itself
        // gives cannot stand in for both.
        await Eventually(async () => await ListenersAsync(scope) == 1, Within, "the listener reconnected");
        for (var round = 0; round < 2; round++)
        {
            while (scope.Store.WaitForTriggerAsync(timeout.Token).IsCompleted)
            {
            }
            var woken = scope.Store.WaitForTriggerAsync(timeout.Token);
            await scope.Store.RequestTriggerAsync(NewJob(), 1, T0, CancellationToken.None);
            await woken;
        }
    }

    private static Task<long> ListenersAsync(RunStoreScope scope) =>
        scope.ScalarAsync(
            $"select count(*) from pg_stat_activity where application_name = '{scope.Schema}' " +
            "and query in ('listen joblog_dispatch', 'select 1')");

    private static async Task<long> TerminateListenersAsync(RunStoreScope scope)
    {
        await using var connection = await scope.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select count(*) from (select pg_terminate_backend(pid) from pg_stat_activity " +
            "where query in ('listen joblog_dispatch', 'select 1') and application_name = @name) terminated",
            connection);
        command.Parameters.AddWithValue("name", scope.Schema);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
