using JobLog.Integration.Fixtures;
using JobLog.Model;
using JobLog.Store;
using Xunit;

namespace JobLog.Integration.Store;

[Collection(PostgresFixture.Collection)]
public sealed class MartenFreshSchemaTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Every_read_of_a_schema_nothing_was_written_to_yet_is_empty()
    {
        using var documents = JobLogMarten.CreateDocumentStore(postgres.ConnectionString, PostgresFixture.NewSchemaName());
        IJobEventStore store = new MartenJobEventStore(documents);
        var job = JobId.Parse("never-written");

        var feed = await store.ReadAllAsync(0, 10, CancellationToken.None);
        Assert.Empty(feed.Events);
        Assert.Equal(0, feed.Next);
        Assert.True(feed.ReachedEnd);
        Assert.Empty(await store.ReadStreamAsync(job, CancellationToken.None));
        Assert.Empty(await store.ReadStreamAsync(job, 5, CancellationToken.None));
        Assert.Empty(await store.StreamVersionsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Nodes_that_start_together_on_a_fresh_schema_all_answer_their_first_calls()
    {
        var schema = PostgresFixture.NewSchemaName();
        var documents = Enumerable.Range(0, 4)
            .Select(_ => JobLogMarten.CreateDocumentStore(postgres.ConnectionString, schema))
            .ToList();
        try
        {
            var nodes = documents.Select(d => new MartenJobEventStore(d)).ToList();

            var appended = await Task.WhenAll(nodes.Select(async node =>
            {
                var job = JobId.Parse($"job-{Guid.NewGuid():N}");
                return Assert.IsType<Appended>(await node.AppendAsync(job, 0, StoreEvents.Added(job), CancellationToken.None));
            }));

            var feed = await nodes[0].ReadAllAsync(0, 100, CancellationToken.None);
            Assert.Equal(appended.Select(a => a.Recorded).OrderBy(e => e.Sequence), feed.Events);
        }
        finally
        {
            foreach (var store in documents)
                store.Dispose();
        }
    }
}
