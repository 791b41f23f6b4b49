using System.Collections.Immutable;
using JobLog.Integration.Fixtures;
using JobLog.Model;
using JobLog.Store;
using Marten;
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
}
