using JobLog.Dispatch;
using JobLog.Dispatch.Runs;
using JobLog.Integration.Fixtures;
using JobLog.Store;
using Xunit;
using static JobLog.Integration.Dispatch.RunStoreScope;

namespace JobLog.Integration.Dispatch;

/// <summary>A run store whose server is gone reports unavailability (the API's 503), in words of its own.</summary>
[Collection(PostgresFixture.Collection)]
public sealed class RunStoreFailureTests
{
    [Fact]
    public async Task Every_call_on_a_stopped_server_is_unavailability_that_names_the_operation_and_no_sql()
    {
        var server = await LocalPostgres.StartAsync(durable: false, CancellationToken.None);
        try
        {
            await using var store = new PostgresRunStore(server.ConnectionString, PostgresFixture.NewSchemaName());
            await store.TakeOverAsync("a", Leader(1), CancellationToken.None);
            var run = (await store.ClaimAsync([Occurrence(NewJob(), 0)], "a", Leader(1), T0, CancellationToken.None))[0].Run!;

            await server.StopAsync(CancellationToken.None);

            var calls = new (string Call, Func<Task> Run)[]
            {
                ("take over", () => store.TakeOverAsync("a", Leader(2), CancellationToken.None)),
                ("claim", () => store.ClaimAsync([Occurrence(NewJob(), 1)], "a", Leader(1), T0, CancellationToken.None)),
                ("resolve", () => store.ResolveWithoutCallAsync([Occurrence(NewJob(), 1)], Ended(RunOutcome.Misfired), "a", Leader(1), CancellationToken.None)),
                ("begin attempt", () => store.BeginAttemptAsync(run.Id, 1, "a", Leader(1), T0, CancellationToken.None)),
                ("complete", () => store.CompleteAsync(run.Id, Ended(RunOutcome.Succeeded), CancellationToken.None)),
                ("adopt", () => store.AdoptAsync(run.Id, "b", Leader(2), T0, CancellationToken.None)),
                ("latest", () => store.LatestScheduledAsync(CancellationToken.None)),
                ("unfinished", () => store.UnfinishedAsync(CancellationToken.None)),
                ("request trigger", () => store.RequestTriggerAsync(NewJob(), 1, T0, CancellationToken.None)),
                ("pending", () => store.PendingTriggersAsync(CancellationToken.None)),
                ("claim trigger", () => store.ClaimTriggerAsync(run.Id, "a", Leader(1), T0, CancellationToken.None)),
                ("get", () => store.GetAsync(run.Id, CancellationToken.None)),
                ("query", () => store.QueryAsync(new RunQuery(null, null, null, null, 10), CancellationToken.None)),
            };
            foreach (var (call, runCall) in calls)
            {
                var error = await Assert.ThrowsAsync<StoreUnavailableException>(runCall);
                Assert.True(error.Message.Contains("run store is unavailable", StringComparison.Ordinal), $"{call}: {error.Message}");
                foreach (var sqlWord in new[] { "select", "insert", "update", "dispatch_" })
                    Assert.False(error.Message.Contains(sqlWord, StringComparison.OrdinalIgnoreCase), $"{call}: {error.Message}");
            }

            // A waiter is not left hanging on a listener that cannot connect: it returns, and the caller reads (and learns).
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await store.WaitForTriggerAsync(timeout.Token);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
