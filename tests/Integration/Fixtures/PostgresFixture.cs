using Npgsql;
using Testcontainers.PostgreSql;
using Xunit;

namespace JobLog.Integration.Fixtures;

/// <summary>
/// One real PostgreSQL per test run: a Testcontainers container where a Docker engine answers, else the server
/// named by JOBLOG_TEST_POSTGRES, else a throwaway local server. Each test class takes its own schema.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public const string Collection = "postgres";
    public const string ExternalServerVariable = "JOBLOG_TEST_POSTGRES";

    private PostgreSqlContainer? _container;
    private LocalPostgres? _local;

    public string ConnectionString { get; private set; } = "";

    public string Source { get; private set; } = "";

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        if (await TryStartContainerAsync(timeout.Token))
            return;
        if (Environment.GetEnvironmentVariable(ExternalServerVariable) is { Length: > 0 } external)
        {
            ConnectionString = external;
            Source = ExternalServerVariable;
            return;
        }
        _local = await LocalPostgres.StartAsync(durable: false, timeout.Token);
        ConnectionString = _local.ConnectionString;
        Source = "local";
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_container is not null)
            await _container.DisposeAsync();
        if (_local is not null)
            await _local.DisposeAsync();
    }

    /// <summary>A schema name no other test uses; Marten creates its tables in it on first use.</summary>
    public static string NewSchemaName() => $"t_{Guid.NewGuid():N}";

    private async Task<bool> TryStartContainerAsync(CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable("DOCKER_HOST") is null && !File.Exists("/var/run/docker.sock"))
            return false;
        try
        {
            var container = new PostgreSqlBuilder("postgres:15").Build();
            await container.StartAsync(cancellationToken);
            _container = container;
            ConnectionString = container.GetConnectionString();
            Source = "testcontainers";
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A docker client without a running engine: fall back to a local server.
            return false;
        }
    }
}
