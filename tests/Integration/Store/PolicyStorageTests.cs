using JobLog.Integration.Fixtures;
using JobLog.Model;
using JobLog.Store;
using Npgsql;
using Xunit;

namespace JobLog.Integration.Store;

/// <summary>
/// A definition's dispatch policy in PostgreSQL: stored with its event in the API's spelling, read back by every read
/// path, and an event stored in the shape it had before policies (a JSON literal of that shape) read with the default.
/// </summary>
[Collection(PostgresFixture.Collection)]
public sealed class PolicyStorageTests(PostgresFixture postgres)
{
    private static readonly DispatchPolicy Skipping = new(MisfirePolicy.Skip, 0, ConcurrencyPolicy.Allow, new RetryPolicy(1, 0, 0));
    private static readonly DispatchPolicy Replacing = new(MisfirePolicy.FireAll, 604_800, ConcurrencyPolicy.Replace, new RetryPolicy(10, 3600, 86_400));

    [Fact]
    public async Task A_policy_is_stored_in_the_apis_spelling_and_every_read_path_gives_it_back()
    {
        var schema = PostgresFixture.NewSchemaName();
        using var documents = JobLogMarten.CreateDocumentStore(postgres.ConnectionString, schema);
        var store = new MartenJobEventStore(documents);
        var job = StoreEvents.NewJobId();
        var added = StoreEvents.Added(job);
        added = added with { Definition = added.Definition with { Policy = Skipping } };
        var updated = new JobUpdated(job, added.Definition with { Policy = Replacing }, StoreEvents.By);
        await store.AppendAsync(job, 0, added, CancellationToken.None);
        await store.AppendAsync(job, 1, updated, CancellationToken.None);

        Assert.Equal(
            ["""{"retry": {"attempts": 1, "backoffSeconds": 0, "maxBackoffSeconds": 0}, "misfire": "skip", "concurrency": "allow", "catchUpWindowSeconds": 0}""",
             """{"retry": {"attempts": 10, "backoffSeconds": 3600, "maxBackoffSeconds": 86400}, "misfire": "fireAll", "concurrency": "replace", "catchUpWindowSeconds": 604800}"""],
            await StoredPoliciesAsync(schema, job));
        IJobEvent[] written = [added, updated];
        Assert.Equal(written, (await store.ReadStreamAsync(job, CancellationToken.None)).Select(e => e.Event));
        Assert.Equal(written, (await store.ReadStreamsAsync([job], CancellationToken.None)).Select(e => e.Event));
        Assert.Equal(written, (await store.ReadAllAsync(0, 100, CancellationToken.None)).Events.Select(e => e.Event));
        Assert.Equal(Replacing, JobEvolution.Replay(await store.ReadStreamAsync(job, CancellationToken.None))?.Definition.Policy);
    }

    [Fact]
    public async Task An_event_stored_in_the_shape_before_policies_is_read_by_every_read_path_with_the_default_policy()
    {
        var schema = PostgresFixture.NewSchemaName();
        using var documents = JobLogMarten.CreateDocumentStore(postgres.ConnectionString, schema);
        var store = new MartenJobEventStore(documents);
        var job = StoreEvents.NewJobId();
        var added = StoreEvents.Added(job);
        await store.AppendAsync(job, 0, added with { Definition = added.Definition with { Policy = Replacing } }, CancellationToken.None);
        // The row's data as a node before policies wrote it, word for word.
        var before = $$"""
            {"job": "{{job}}", "by": {"actor": "tester", "node": "node-1", "reason": null}, "enabled": true,
             "definition": {"name": "nightly report", "cron": "0 3 * * *", "timeZone": "UTC",
                            "target": {"url": "https://example.test/hook", "method": "POST", "body": null, "timeoutSeconds": 30, "headers": {} } } }
            """;
        await ExecuteAsync($"update {schema}.mt_events set data = @data::jsonb where stream_id = @job", command =>
        {
            command.Parameters.AddWithValue("data", before);
            command.Parameters.AddWithValue("job", job.Value);
        });
        Assert.Equal([null], await StoredPoliciesAsync(schema, job));

        Assert.Equal(added, Assert.Single(await store.ReadStreamAsync(job, CancellationToken.None)).Event);
        Assert.Equal(added, Assert.Single(await store.ReadStreamsAsync([job], CancellationToken.None)).Event);
        Assert.Equal(added, Assert.Single((await store.ReadAllAsync(0, 100, CancellationToken.None)).Events).Event);
        var state = JobEvolution.Replay(await store.ReadStreamAsync(job, CancellationToken.None));
        Assert.Equal(DispatchPolicy.Default, state?.Definition.Policy);
    }

    private async Task<IReadOnlyList<string?>> StoredPoliciesAsync(string schema, JobId job)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select (data->'definition'->'policy')::text from {schema}.mt_events where stream_id = @job order by version", connection);
        command.Parameters.AddWithValue("job", job.Value);
        await using var reader = await command.ExecuteReaderAsync();
        var policies = new List<string?>();
        while (await reader.ReadAsync())
            policies.Add(reader.IsDBNull(0) ? null : reader.GetString(0));
        return policies;
    }

    private async Task ExecuteAsync(string sql, Action<NpgsqlCommand> bind)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        bind(command);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
