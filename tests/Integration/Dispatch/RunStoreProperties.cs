using FsCheck;
using FsCheck.Xunit;
using JobLog.Dispatch;
using JobLog.Dispatch.Runs;
using JobLog.Integration.Dispatch.Model;
using JobLog.Integration.Fixtures;
using Npgsql;
using Xunit;

namespace JobLog.Integration.Dispatch;

/// <summary>
/// The first property, against the real PostgreSQL run store: under any interleaving of two or three would-be
/// leaders with stale and current epochs of two elections and alone (steps of several commands run at the same time),
/// each occurrence is claimed at most once, a write succeeds only under the leadership the fence holds and every
/// refusal is explained by a take-over, a take-over is refused only by a later epoch of its own election, what a leader
/// that was not refused asks for is claimed by someone, and every finished run has exactly one outcome.
/// </summary>
[Collection(PostgresFixture.Collection)]
public sealed class RunStoreProperties(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly string _schema = PostgresFixture.NewSchemaName();
    private PostgresRunStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = new PostgresRunStore(postgres.ConnectionString, _schema);
        await _store.UnfinishedAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Property(MaxTest = 60, Arbitrary = [typeof(StoreProgramArbitraries)])]
    public async Task Would_be_leaders_of_two_elections_and_alone_in_any_interleaving_claim_each_occurrence_once_and_write_only_under_the_leadership_the_fence_holds(
        StoreProgram program)
    {
        await ResetAsync();
        var run = new StoreProgramRun(_store, program);

        await run.RunAsync();

        var rows = (await _store.QueryAsync(new RunQuery(null, null, null, null, PostgresRunStore.MaxQueryLimit), CancellationToken.None)).Items;
        var violations = StoreProgramChecks.Violations(program, run.Log, rows);
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine,
            [.. violations, "calls:", .. run.Log.Select(c => $"  {c}")]));
    }

    // Every program starts on empty tables and a fence no one has raised.
    private async Task ResetAsync()
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"truncate {_schema}.dispatch_runs; update {_schema}.dispatch_fence set incarnation = null, epoch = 0, node = null, taken_at = null",
            connection);
        await command.ExecuteNonQueryAsync();
    }
}
