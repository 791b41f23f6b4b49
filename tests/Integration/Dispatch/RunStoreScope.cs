using JobLog.Dispatch;
using JobLog.Dispatch.Runs;
using JobLog.Integration.Fixtures;
using JobLog.Model;
using Npgsql;

namespace JobLog.Integration.Dispatch;

/// <summary>A run store on a schema of its own, with the values the run store tests build their claims from.</summary>
public sealed class RunStoreScope : IAsyncDisposable
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 26, 5, 0, 0, TimeSpan.Zero);

    /// <summary>The incarnation of the election the tests' leaders lead in unless a test names another.</summary>
    public const string Election = "test-election";

    private RunStoreScope(string connectionString, string schema)
    {
        ConnectionString = connectionString;
        Schema = schema;
        Store = OtherNode();
    }

    public string ConnectionString { get; }

    public string Schema { get; }

    /// <summary>The store under test; its connections carry the schema as their application name.</summary>
    public PostgresRunStore Store { get; }

    public static RunStoreScope Fresh(PostgresFixture postgres) => new(postgres.ConnectionString, PostgresFixture.NewSchemaName());

    /// <summary>A second store on the same tables, as another node has. Its connections are named after the schema.</summary>
    public PostgresRunStore OtherNode() =>
        new(new NpgsqlConnectionStringBuilder(ConnectionString) { ApplicationName = Schema }.ConnectionString, Schema);

    public static JobId NewJob() => JobId.Parse($"job-{Guid.NewGuid():N}");

    /// <summary>A leadership of <see cref="Election"/> with this epoch.</summary>
    public static DispatchFenceToken Leader(long epoch) => new(Election, epoch);

    /// <summary>The fence as it holds <see cref="Leader"/>(<paramref name="epoch"/>) taken over by <paramref name="node"/>.</summary>
    public static FenceHolder HeldBy(string node, long epoch) => new(Election, epoch, node);

    public static OccurrenceClaim Occurrence(JobId job, int minute, RunKind kind = RunKind.Scheduled, long version = 1) =>
        new(job, version, T0.AddMinutes(minute), kind);

    public static RunCompletion Ended(RunOutcome outcome, int? status = null, string? error = null) =>
        new(outcome, T0.AddHours(1), status, error);

    /// <summary>Runs SQL of the test's own on the store's tables (to hold locks, read rows the store does not show).</summary>
    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql.Replace("{schema}", Schema, StringComparison.Ordinal), connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    /// <summary>Whether that many statements on the store's tables wait for a lock now.</summary>
    public async Task<bool> LockWaitersAsync(int atLeast = 1)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            "select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' " +
            "and query like '%' || @schema || '.dispatch_%'",
            connection);
        command.Parameters.AddWithValue("schema", Schema);
        return (long)(await command.ExecuteScalarAsync())! >= atLeast;
    }

    public ValueTask DisposeAsync() => Store.DisposeAsync();
}
