using System.Collections.Immutable;
using JobLog.Integration.Fixtures;
using JobLog.Model;
using JobLog.Store;
using Marten;
using Npgsql;
using Xunit;

namespace JobLog.Integration.Store;

[Collection(PostgresFixture.Collection)]
public sealed class MartenStreamPrefixTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly Provenance By = new("tester", "node-1", null);
    private DocumentStore _documents = null!;
    private IJobEventStore _store = null!;

    public Task InitializeAsync()
    {
        _documents = JobLogMarten.CreateDocumentStore(postgres.ConnectionString, PostgresFixture.NewSchemaName());
        _store = new MartenJobEventStore(_documents);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _documents.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Reading_a_prefix_returns_exactly_the_first_events_of_the_full_read()
    {
        var job = JobId.Parse($"job-{Guid.NewGuid():N}");
        var definition = new JobDefinition("n", "0 3 * * *", "UTC",
            new WebhookTarget("https://example.test/h", "POST", ImmutableSortedDictionary<string, string>.Empty, null, 30));
        await _store.AppendAsync(job, 0, new JobAdded(job, definition, true, By), CancellationToken.None);
        await _store.AppendAsync(job, 1, new JobPaused(job, By), CancellationToken.None);
        await _store.AppendAsync(job, 2, new JobResumed(job, By), CancellationToken.None);

        var full = await _store.ReadStreamAsync(job, CancellationToken.None);
        var prefix = await _store.ReadStreamAsync(job, 2, CancellationToken.None);
        var beyond = await _store.ReadStreamAsync(job, 10, CancellationToken.None);

        Assert.Equal(full.Take(2), prefix);
        Assert.Equal(full, beyond);
    }

    [Fact]
    public async Task A_stream_reads_back_exactly_as_marten_fetches_it_for_every_event_type()
    {
        var job = JobId.Parse($"job-{Guid.NewGuid():N}");
        var headers = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal,
            [KeyValuePair.Create("X-B", "2"), KeyValuePair.Create("X-A", "1")]);
        var first = new JobDefinition("first", "*/5 * * * *", "Europe/Berlin",
            new WebhookTarget("https://example.test/a", "PUT", headers, "{\"k\":1}", 12));
        var second = first with { Name = "second", Target = first.Target with { Body = null } };
        var why = By with { Reason = "because" };
        IJobEvent[] changes =
        [
            new JobAdded(job, first, false, why), new JobResumed(job, By), new JobUpdated(job, second, By),
            new JobPaused(job, why), new JobDeleted(job, By), new JobRestored(job, By),
        ];
        for (var i = 0; i < changes.Length; i++)
            Assert.IsType<Appended>(await _store.AppendAsync(job, i, changes[i], CancellationToken.None));

        var read = await _store.ReadStreamAsync(job, CancellationToken.None);

        await using var session = _documents.QuerySession();
        var fetched = (await session.Events.FetchStreamAsync(job.Value))
            .Select(e => new RecordedEvent((IJobEvent)e.Data, e.Version, e.Sequence, e.Timestamp))
            .ToList();
        Assert.Equal(fetched, read);
        Assert.Equal(changes, read.Select(e => e.Event));
    }

    [Fact]
    public async Task Every_event_type_as_postgresql_stores_it_is_read_by_the_stores_own_reader_without_falling_back()
    {
        var job = JobId.Parse($"job-{Guid.NewGuid():N}");
        var headers = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("X-Token", "t\"1")]);
        var definition = new JobDefinition("Rapport für Jänner", "0 3 * * *", "Europe/Berlin",
            new WebhookTarget("https://example.test/h?a=b", "PUT", headers, "{\"k\":[1,2]}", 12));
        IJobEvent[] changes =
        [
            new JobAdded(job, definition, true, By), new JobPaused(job, By with { Reason = "line\nbreak" }),
            new JobResumed(job, By), new JobUpdated(job, definition with { Name = "second" }, By), new JobDeleted(job, By),
            new JobRestored(job, By),
        ];
        for (var i = 0; i < changes.Length; i++)
            Assert.IsType<Appended>(await _store.AppendAsync(job, i, changes[i], CancellationToken.None));

        await using var session = _documents.QuerySession();
        await using var command = new NpgsqlCommand(
            $"select data from {_documents.Options.Events.DatabaseSchemaName}.mt_events where stream_id = @job order by version",
            session.Connection);
        command.Parameters.AddWithValue("job", job.Value);
        var read = new List<IJobEvent?>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                await using var json = reader.GetStream(0);
                var bytes = new byte[json.Length];
                json.ReadExactly(bytes);
                Assert.Equal(1, bytes[0]);
                read.Add(EventJson.TryRead(changes[read.Count].GetType(), bytes.AsSpan(1)));
            }
        }

        Assert.Equal(changes, read);
    }
}
