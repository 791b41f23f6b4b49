using JasperFx;
using JasperFx.Events;
using JobLog.Integration.Fixtures;
using JobLog.Model;
using JobLog.Store;
using JobLog.Testing;
using Marten;
using Npgsql;
using Xunit;
using static JobLog.Integration.Store.StoreEvents;

namespace JobLog.Integration.Store;

/// <summary>
/// The global feed over what PostgreSQL and Marten leave in the sequence: numbers of appends still in flight, of
/// appends that rolled back or lost a conflict, and Marten's own filler rows. It never skips an event that commits
/// later, and nothing else holds it up.
/// </summary>
[Collection(PostgresFixture.Collection)]
public sealed class MartenFeedTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _schema = PostgresFixture.NewSchemaName();
    private DocumentStore _documents = null!;
    private MartenJobEventStore _store = null!;

    public async Task InitializeAsync()
    {
        _documents = JobLogMarten.CreateDocumentStore(postgres.ConnectionString, _schema);
        _store = new MartenJobEventStore(_documents);
        await _documents.Storage.Database.EnsureStorageExistsAsync(typeof(IEvent));
    }

    public Task DisposeAsync()
    {
        _documents.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_feed_waits_at_the_number_of_an_append_in_flight_and_shows_its_event_once_it_commits()
    {
        var before = await AppendAsync(NewJobId());
        var late = NewJobId();
        await using var inFlight = await InFlightAppend.BeginAsync(_documents, postgres.ConnectionString, late, 0, Added(late));
        var after = await AppendAsync(NewJobId());

        var waiting = await _store.ReadAllAsync(before.Sequence - 1, 100, CancellationToken.None);

        Assert.Equal([before], waiting.Events);
        Assert.Equal(inFlight.Sequence - 1, waiting.Next);
        Assert.True(waiting.ReachedEnd);

        await inFlight.CommitAsync();
        var resumed = await _store.ReadAllAsync(waiting.Next, 100, CancellationToken.None);

        Assert.Equal([late, after.Job], resumed.Events.Select(e => e.Job));
        Assert.Equal(after.Sequence, resumed.Next);
    }

    [Fact]
    public async Task The_feed_passes_the_number_of_a_rolled_back_append_on_the_first_read_after_the_rollback()
    {
        var before = await AppendAsync(NewJobId());
        var job = NewJobId();
        await using var inFlight = await InFlightAppend.BeginAsync(_documents, postgres.ConnectionString, job, 0, Added(job));
        var after = await AppendAsync(NewJobId());
        var waiting = await _store.ReadAllAsync(before.Sequence, 100, CancellationToken.None);
        Assert.Empty(waiting.Events);

        await inFlight.RollBackAsync();
        var passed = await _store.ReadAllAsync(waiting.Next, 100, CancellationToken.None);

        Assert.Equal([after], passed.Events);
        Assert.Equal(after.Sequence, passed.Next);
        Assert.True(passed.ReachedEnd);
    }

    [Fact]
    public async Task After_an_append_loses_a_conflict_the_feed_reaches_the_newest_event_at_once()
    {
        var first = await AppendAsync(NewJobId());
        await LoseAConflictAsync(first.Job);
        var newest = await AppendAsync(NewJobId());

        var page = await _store.ReadAllAsync(first.Sequence - 1, 100, CancellationToken.None);

        Assert.Equal(newest, page.Events[^1]);
        Assert.Equal(newest.Sequence, page.Next);
        Assert.True(page.ReachedEnd);
    }

    [Fact]
    public async Task After_an_append_loses_a_conflict_a_node_folds_the_newest_event_in_its_next_tail()
    {
        var (holder, catchUp, status, _) = CatchUpNode.Over(_store);
        var first = await AppendAsync(NewJobId());
        await catchUp.LoadAsync(CancellationToken.None);
        await LoseAConflictAsync(first.Job);
        var newest = await AppendAsync(NewJobId());

        await catchUp.TailAsync(CancellationToken.None);

        Assert.Equal(1, holder.Current.VersionOf(newest.Job));
        Assert.Equal(newest.Sequence, status.TailSequence);
    }

    [Fact]
    public async Task Filler_rows_marten_writes_after_failed_appends_are_read_past_not_taken_for_the_end()
    {
        var first = await AppendAsync(NewJobId());
        await WriteMartenFillersAsync(first.Job, count: 3);
        var second = await AppendAsync(NewJobId());
        var third = await AppendAsync(NewJobId());

        var page = await _store.ReadAllAsync(first.Sequence - 1, 2, CancellationToken.None);
        var rest = await _store.ReadAllAsync(page.Next, 2, CancellationToken.None);

        Assert.Equal([first, second], page.Events);
        Assert.Equal(second.Sequence, page.Next);
        Assert.False(page.ReachedEnd);
        Assert.Equal([third], rest.Events);
        Assert.True(rest.ReachedEnd);
    }

    [Fact]
    public async Task A_node_loads_every_job_behind_marten_filler_rows_without_reading_any_stream_again()
    {
        var jobs = new List<JobId>();
        var anchor = await AppendAsync(NewJobId());
        jobs.Add(anchor.Job);
        for (var i = 0; i < 4; i++)
        {
            await WriteMartenFillersAsync(anchor.Job, count: 2);
            jobs.Add((await AppendAsync(NewJobId())).Job);
        }
        var counter = new StreamReadCounter(_store);
        var (holder, catchUp, status, _) = CatchUpNode.Over(counter, pageSize: 2);

        await catchUp.LoadAsync(CancellationToken.None);

        Assert.All(jobs, job => Assert.Equal(1, holder.Current.VersionOf(job)));
        Assert.Empty(counter.StreamsPerRead);
    }

    private async Task<RecordedEvent> AppendAsync(JobId job) =>
        Assert.IsType<Appended>(await _store.AppendAsync(job, 0, Added(job), CancellationToken.None)).Recorded;

    /// <summary>
    /// An append of version 2 waits behind another at the same version that is in flight, then loses once that one
    /// commits: the moment a store that took a sequence number before checking the version leaves a hole.
    /// </summary>
    private async Task LoseAConflictAsync(JobId job)
    {
        await using var winner = await InFlightAppend.BeginAsync(
            _documents, postgres.ConnectionString, job, 1, new JobPaused(job, By));
        var loser = _store.AppendAsync(job, 1, new JobResumed(job, By), CancellationToken.None);
        await Eventually(
            async () => loser.IsCompleted || await AppendsWaitingOnALockAsync() > 0,
            Patience,
            "the second append waits for the first");
        await winner.CommitAsync();
        Assert.Equal(new VersionConflict(2), await loser);
    }

    private async Task<long> AppendsWaitingOnALockAsync()
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query like @append", connection);
        command.Parameters.AddWithValue("append", $"%{_schema}.mt_quick_append_events%");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Makes Marten write its own filler rows: an append in Marten's rich mode takes its sequence numbers before it
    /// writes, and when the write fails (here: the stream exists already) Marten fills those numbers with tombstones.
    /// </summary>
    private async Task WriteMartenFillersAsync(JobId existing, int count)
    {
        var before = await TombstoneCountAsync();
        using var rich = DocumentStore.For(options =>
        {
            JobLogMarten.Configure(options, postgres.ConnectionString, _schema);
            options.Events.AppendMode = EventAppendMode.Rich;
            // Its schema differs from ours (no quick-append function); it must not migrate the schema the test reads.
            options.AutoCreateSchemaObjects = AutoCreate.None;
        });
        for (var i = 0; i < count; i++)
        {
            await using var session = rich.LightweightSession();
            session.Events.StartStream(existing.Value, Added(existing));
            await Assert.ThrowsAnyAsync<Exception>(() => session.SaveChangesAsync());
        }
        await Eventually(
            async () => await TombstoneCountAsync() == before + count,
            Patience,
            () => $"Marten wrote {count} tombstones");
    }

    private async Task<long> TombstoneCountAsync()
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select count(*) from {_schema}.mt_events where type = 'tombstone'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
