using JobLog.Integration.Fixtures;
using JobLog.Model;
using JobLog.Store;
using JobLog.Testing;
using Npgsql;
using Xunit;
using static JobLog.Integration.Store.StoreEvents;

namespace JobLog.Integration.Store;

/// <summary>What the resilient store reports as "unavailable" against a real PostgreSQL: a server that cannot serve, never bad data.</summary>
[Collection(PostgresFixture.Collection)]
public sealed class MartenStoreFailureTests(PostgresFixture postgres)
{
    private static readonly StoreResilienceOptions NoRetries = new() { CallTimeout = TimeSpan.FromSeconds(30), ReadRetries = 0 };

    [Theory]
    [InlineData("nightly\0report")]
    [InlineData("\0")]
    [InlineData("ends with a NUL\0")]
    public async Task A_string_postgresql_cannot_store_is_an_ordinary_error_not_unavailability_and_writes_nothing(string name)
    {
        using var documents = JobLogMarten.CreateDocumentStore(postgres.ConnectionString, PostgresFixture.NewSchemaName());
        var store = ResilientStores.Over(new MartenJobEventStore(documents), NoRetries);
        var job = NewJobId();

        var error = await Assert.ThrowsAnyAsync<Exception>(
            () => store.AppendAsync(job, 0, Added(job, name), CancellationToken.None));

        Assert.IsNotType<StoreUnavailableException>(error);
        Assert.False(StoreFailures.IsUnavailability(error));
        Assert.StartsWith("22", PostgresErrorIn(error).SqlState);
        Assert.Empty(await store.ReadStreamAsync(job, CancellationToken.None));
    }

    [Fact]
    public async Task A_stopped_server_is_unavailability_for_reads_and_appends()
    {
        var server = await LocalPostgres.StartAsync(durable: false, CancellationToken.None);
        var disposed = false;
        try
        {
            using var documents = JobLogMarten.CreateDocumentStore(server.ConnectionString, PostgresFixture.NewSchemaName());
            var store = ResilientStores.Over(new MartenJobEventStore(documents), NoRetries);
            var job = NewJobId();
            Assert.IsType<Appended>(await store.AppendAsync(job, 0, Added(job), CancellationToken.None));

            await server.DisposeAsync();
            disposed = true;

            await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ReadStreamAsync(job, CancellationToken.None));
            await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ReadAllAsync(0, 10, CancellationToken.None));
            await Assert.ThrowsAsync<StoreUnavailableException>(
                () => store.AppendAsync(job, 1, new JobPaused(job, By), CancellationToken.None));
        }
        finally
        {
            if (!disposed)
                await server.DisposeAsync();
        }
    }

    private static PostgresException PostgresErrorIn(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is PostgresException postgresError)
                return postgresError;
        }
        throw new InvalidOperationException($"No PostgreSQL error under {error}");
    }
}
