using JasperFx;
using JasperFx.Events;
using JobLog.Integration.Fixtures;
using JobLog.Model;
using JobLog.Store;
using Marten;
using Npgsql;
using Weasel.Core;
using Xunit;

namespace JobLog.Integration.Store;

/// <summary>The store writes and reads event types by the registry's names, never by .NET type names.</summary>
[Collection(PostgresFixture.Collection)]
public sealed class EventTypeNameTests(PostgresFixture postgres)
{
    [Fact]
    public async Task An_appended_event_is_stored_under_its_registered_name()
    {
        var schema = PostgresFixture.NewSchemaName();
        using var documents = JobLogMarten.CreateDocumentStore(postgres.ConnectionString, schema);
        var store = new MartenJobEventStore(documents);
        var job = JobId.Parse("named");
        await store.AppendAsync(job, 0, StoreEvents.Added(job), CancellationToken.None);
        await store.AppendAsync(job, 1, new JobPaused(job, StoreEvents.By), CancellationToken.None);

        Assert.Equal(["JobAdded", "JobPaused"], await StoredTypeNamesAsync(schema));
    }

    [Fact]
    public async Task Events_stored_under_martens_default_names_before_the_registry_are_read_as_before()
    {
        var schema = PostgresFixture.NewSchemaName();
        var job = JobId.Parse("legacy");
        using (var legacy = DocumentStore.For(options =>
               {
                   // How events were stored before the registry named them: Marten's names derived from the classes.
                   options.Connection(postgres.ConnectionString);
                   options.DatabaseSchemaName = schema;
                   options.Events.DatabaseSchemaName = schema;
                   options.Events.StreamIdentity = StreamIdentity.AsString;
                   options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
                   options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
                   foreach (var type in JobEventTypes.All)
                       options.Events.AddEventType(type);
               }))
        {
            await using var session = legacy.LightweightSession();
            session.Events.StartStream(job.Value, StoreEvents.Added(job), new JobPaused(job, StoreEvents.By));
            await session.SaveChangesAsync();
        }
        Assert.Equal(["job_added", "job_paused"], await StoredTypeNamesAsync(schema));

        using var documents = JobLogMarten.CreateDocumentStore(postgres.ConnectionString, schema);
        var store = new MartenJobEventStore(documents);

        var stream = await store.ReadStreamAsync(job, CancellationToken.None);
        Assert.Equal([typeof(JobAdded), typeof(JobPaused)], stream.Select(e => e.Event.GetType()));
        Assert.Equal(2, (await store.ReadAllAsync(0, 10, CancellationToken.None)).Events.Count);
    }

    private async Task<IReadOnlyList<string>> StoredTypeNamesAsync(string schema)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select type from {schema}.mt_events order by seq_id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
            names.Add(reader.GetString(0));
        return names;
    }
}
