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
}
