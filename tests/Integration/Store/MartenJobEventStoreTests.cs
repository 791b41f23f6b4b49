using System.Collections.Immutable;
using JobLog.Integration.Fixtures;
using JobLog.Model;
using JobLog.Store;
using Marten;
using Xunit;

namespace JobLog.Integration.Store;

[Collection(PostgresFixture.Collection)]
public sealed class MartenJobEventStoreTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly Provenance By = new("tester", "node-1", null);
    private readonly string _schema = PostgresFixture.NewSchemaName();
    private DocumentStore _documents = null!;
    private MartenJobEventStore _store = null!;

    public Task InitializeAsync()
    {
        _documents = JobLogMarten.CreateDocumentStore(postgres.ConnectionString, _schema);
        _store = new MartenJobEventStore(_documents);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _documents.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task An_appended_event_reads_back_with_its_version_sequence_and_commit_time()
    {
        var job = NewJobId();
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);

        var outcome = await _store.AppendAsync(job, 0, Added(job), CancellationToken.None);

        var appended = Assert.IsType<Appended>(outcome);
        Assert.Equal(1, appended.Recorded.Version);
        Assert.True(appended.Recorded.Sequence > 0);
        Assert.InRange(appended.Recorded.Timestamp, before, DateTimeOffset.UtcNow.AddSeconds(5));
        var stream = await _store.ReadStreamAsync(job, CancellationToken.None);
        Assert.Equal(appended.Recorded, Assert.Single(stream));
    }

    [Fact]
    public async Task Events_round_trip_with_every_field_of_the_definition()
    {
        var job = NewJobId();
        var added = Added(job) with { By = new Provenance("alice", "node-7", "first cut") };

        await _store.AppendAsync(job, 0, added, CancellationToken.None);
        await _store.AppendAsync(job, 1, new JobPaused(job, By), CancellationToken.None);

        var stream = await _store.ReadStreamAsync(job, CancellationToken.None);
        Assert.Equal(added, stream[0].Event);
        Assert.Equal(new JobPaused(job, By), stream[1].Event);
        Assert.Equal([1L, 2L], stream.Select(e => e.Version));
    }

    [Fact]
    public async Task A_stale_append_is_a_conflict_that_reports_the_actual_version_and_writes_nothing()
    {
        var job = NewJobId();
        await _store.AppendAsync(job, 0, Added(job), CancellationToken.None);
        await _store.AppendAsync(job, 1, new JobPaused(job, By), CancellationToken.None);

        var outcome = await _store.AppendAsync(job, 1, new JobDeleted(job, By), CancellationToken.None);

        Assert.Equal(new VersionConflict(2), outcome);
        Assert.Equal(2, (await _store.ReadStreamAsync(job, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Starting_a_stream_that_exists_is_a_conflict()
    {
        var job = NewJobId();
        await _store.AppendAsync(job, 0, Added(job), CancellationToken.None);

        var outcome = await _store.AppendAsync(job, 0, Added(job), CancellationToken.None);

        Assert.Equal(new VersionConflict(1), outcome);
    }

    [Fact]
    public async Task Appending_to_a_stream_that_does_not_exist_is_a_conflict_at_version_zero()
    {
        var job = NewJobId();

        var outcome = await _store.AppendAsync(job, 3, new JobPaused(job, By), CancellationToken.None);

        Assert.Equal(new VersionConflict(0), outcome);
        Assert.Empty(await _store.ReadStreamAsync(job, CancellationToken.None));
    }

    [Fact]
    public async Task Concurrent_appends_at_the_same_version_commit_exactly_one()
    {
        var job = NewJobId();
        await _store.AppendAsync(job, 0, Added(job), CancellationToken.None);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            _store.AppendAsync(job, 1, new JobPaused(job, By), CancellationToken.None)));

        Assert.Single(outcomes.OfType<Appended>());
        Assert.All(outcomes.OfType<VersionConflict>(), c => Assert.Equal(2, c.ActualVersion));
        Assert.Equal(2, (await _store.ReadStreamAsync(job, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task The_global_feed_pages_in_sequence_order_across_streams()
    {
        var first = NewJobId();
        var second = NewJobId();
        await _store.AppendAsync(first, 0, Added(first), CancellationToken.None);
        await _store.AppendAsync(second, 0, Added(second), CancellationToken.None);
        await _store.AppendAsync(first, 1, new JobPaused(first, By), CancellationToken.None);

        var page1 = await _store.ReadAllAsync(0, 2, CancellationToken.None);
        var page2 = await _store.ReadAllAsync(page1.Next, 2, CancellationToken.None);

        var all = page1.Events.Concat(page2.Events).ToArray();
        Assert.False(page1.ReachedEnd);
        Assert.True(page2.ReachedEnd);
        Assert.Equal([first, second, first], all.Select(e => e.Job));
        Assert.Equal(all.Select(e => e.Sequence).Order(), all.Select(e => e.Sequence));
    }

    [Fact]
    public async Task A_stale_append_leaves_no_hole_in_the_global_sequence()
    {
        var job = NewJobId();
        var first = (Appended)await _store.AppendAsync(job, 0, Added(job), CancellationToken.None);
        await _store.AppendAsync(job, 0, Added(job), CancellationToken.None);
        await _store.AppendAsync(job, 5, new JobPaused(job, By), CancellationToken.None);

        var next = (Appended)await _store.AppendAsync(job, 1, new JobPaused(job, By), CancellationToken.None);

        Assert.Equal(first.Recorded.Sequence + 1, next.Recorded.Sequence);
    }

    [Fact]
    public async Task Reading_many_streams_at_once_gives_each_stream_exactly_as_reading_it_alone_does()
    {
        var jobs = Enumerable.Range(0, 5).Select(_ => NewJobId()).ToList();
        foreach (var job in jobs)
            await _store.AppendAsync(job, 0, Added(job), CancellationToken.None);
        await _store.AppendAsync(jobs[1], 1, new JobPaused(jobs[1], By), CancellationToken.None);
        await _store.AppendAsync(jobs[3], 1, new JobDeleted(jobs[3], By), CancellationToken.None);
        await _store.AppendAsync(jobs[1], 2, new JobResumed(jobs[1], By), CancellationToken.None);
        var asked = new[] { jobs[3], jobs[1], jobs[0], NewJobId() };

        var together = await _store.ReadStreamsAsync(asked, CancellationToken.None);

        var alone = new List<RecordedEvent>();
        foreach (var job in asked)
            alone.AddRange(await _store.ReadStreamAsync(job, CancellationToken.None));
        Assert.Equal(alone.OrderBy(e => e.Job.Value, StringComparer.Ordinal).ThenBy(e => e.Version), together);
    }

    [Fact]
    public async Task A_stale_append_takes_no_sequence_number_even_when_it_waited_for_the_winner()
    {
        var job = NewJobId();
        var first = (Appended)await _store.AppendAsync(job, 0, Added(job), CancellationToken.None);

        var racing = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            _store.AppendAsync(job, 1, new JobPaused(job, By), CancellationToken.None)));
        var next = (Appended)await _store.AppendAsync(job, 2, new JobResumed(job, By), CancellationToken.None);

        Assert.Single(racing.OfType<Appended>());
        Assert.Equal(first.Recorded.Sequence + 2, next.Recorded.Sequence);
    }

    [Fact]
    public async Task Stream_versions_name_every_job_with_its_latest_version()
    {
        var first = NewJobId();
        var second = NewJobId();
        await _store.AppendAsync(first, 0, Added(first), CancellationToken.None);
        await _store.AppendAsync(first, 1, new JobPaused(first, By), CancellationToken.None);
        await _store.AppendAsync(second, 0, Added(second), CancellationToken.None);

        var versions = await _store.StreamVersionsAsync(CancellationToken.None);

        Assert.Equal(2, versions[first]);
        Assert.Equal(1, versions[second]);
    }

    private static JobId NewJobId() => JobId.Parse($"job-{Guid.NewGuid():N}");

    private static JobAdded Added(JobId job) => new(
        job,
        new JobDefinition(
            "nightly report",
            "0 3 * * *",
            "Europe/Berlin",
            new WebhookTarget(
                "https://example.test/hook",
                "POST",
                ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("X-Token", "abc")]),
                "{\"hello\":1}",
                30)),
        Enabled: true,
        By);
}
