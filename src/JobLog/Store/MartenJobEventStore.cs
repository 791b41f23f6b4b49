using JasperFx.Events;
using JobLog.Model;
using Marten;
using Marten.Exceptions;
using Npgsql;

namespace JobLog.Store;

/// <summary>The event store on PostgreSQL through Marten: one string-keyed stream per job.</summary>
/// <param name="holeSettleTime">
/// How long a hole in the global sequence may still be filled by a transaction in flight; longer than any append
/// can take. The global feed does not pass a younger hole.
/// </param>
public sealed class MartenJobEventStore(IDocumentStore store, TimeSpan holeSettleTime) : IJobEventStore
{
    public static readonly TimeSpan DefaultHoleSettleTime = TimeSpan.FromSeconds(10);

    public MartenJobEventStore(IDocumentStore store)
        : this(store, DefaultHoleSettleTime)
    {
    }

    private static readonly IReadOnlyDictionary<string, Type> EventTypesByDotNetName =
        JobLogMarten.EventTypes.ToDictionary(t => $"{t.FullName}, {t.Assembly.GetName().Name}", StringComparer.Ordinal);

    public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(JobId job, CancellationToken cancellationToken) =>
        ReadRowsAsync(job, long.MaxValue, cancellationToken);

    public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(JobId job, long toVersion, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(toVersion);
        return ReadRowsAsync(job, toVersion, cancellationToken);
    }

    public async Task<AppendOutcome> AppendAsync(JobId job, long expectedVersion, IJobEvent change, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        if (change.Job != job)
            throw new ArgumentException($"Event for job {change.Job} appended to stream {job}.", nameof(change));

        await using var session = store.LightweightSession();
        var action = expectedVersion == 0
            ? session.Events.StartStream(job.Value, change)
            : session.Events.Append(job.Value, expectedVersion + 1, change);
        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (Exception e) when (IsVersionConflict(e))
        {
            return new VersionConflict(await CurrentVersionAsync(job, cancellationToken));
        }

        // Marten assigns sequence and time before it writes (Rich append mode) and PostgreSQL keeps the time to the
        // microsecond, so the written event is known without a read; the read remains for a Marten that does not.
        var version = expectedVersion + 1;
        if (action.Events is [{ Sequence: > 0 } written] && written.Version == version && written.Timestamp != default)
        {
            return new Appended(new RecordedEvent(change, version, written.Sequence, ToPostgresPrecision(written.Timestamp)));
        }
        await using var query = store.QuerySession();
        var committed = await query.Events.FetchStreamAsync(job.Value, version, fromVersion: version, token: cancellationToken);
        return committed.Count == 1 && ToRecorded(committed[0]) is { } recorded
            ? new Appended(recorded)
            : throw new InvalidOperationException($"Committed version {version} of job {job} could not be read back.");
    }

    public async Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterSequence);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var page = await ReadRowsAsync(
            "seq_id > @after order by seq_id limit @limit",
            command =>
            {
                command.Parameters.AddWithValue("after", afterSequence);
                command.Parameters.AddWithValue("limit", limit);
            },
            cancellationToken);
        return await SettledPrefixAsync(page, afterSequence, cancellationToken);
    }

    // A sequence number is taken before its transaction commits, so a lower number can become visible after a higher
    // one, and a rolled-back append leaves a hole for good. A reader paging past a hole that is still filling would
    // never see that event, so the page ends at the first hole younger than any append can take.
    private async Task<IReadOnlyList<RecordedEvent>> SettledPrefixAsync(
        IReadOnlyList<RecordedEvent> page, long afterSequence, CancellationToken cancellationToken)
    {
        var expected = afterSequence + 1;
        DateTimeOffset? now = null;
        for (var i = 0; i < page.Count; i++)
        {
            if (page[i].Sequence != expected)
            {
                now ??= await DatabaseNowAsync(cancellationToken);
                if (page[i].Timestamp > now - holeSettleTime)
                    return page.Take(i).ToArray();
            }
            expected = page[i].Sequence + 1;
        }
        return page;
    }

    private async Task<DateTimeOffset> DatabaseNowAsync(CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        await using var command = new NpgsqlCommand("select now()", session.Connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetFieldValue<DateTimeOffset>(0);
    }

    public async Task<IReadOnlyDictionary<JobId, long>> StreamVersionsAsync(CancellationToken cancellationToken)
    {
        await store.Storage.Database.EnsureStorageExistsAsync(typeof(IEvent), cancellationToken);
        await using var session = store.QuerySession();
        var schema = store.Options.Events.DatabaseSchemaName;
        var versions = new Dictionary<JobId, long>();
        await using var command = new NpgsqlCommand($"select id, version from {schema}.mt_streams", session.Connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (JobId.TryParse(reader.GetString(0), out var id, out _))
                versions[id] = reader.GetInt64(1);
        }
        return versions;
    }

    private Task<IReadOnlyList<RecordedEvent>> ReadRowsAsync(JobId job, long toVersion, CancellationToken cancellationToken) =>
        ReadRowsAsync(
            "stream_id = @stream and version <= @to order by version",
            command =>
            {
                command.Parameters.AddWithValue("stream", job.Value);
                command.Parameters.AddWithValue("to", toVersion);
            },
            cancellationToken);

    // Marten's FetchStream and QueryAllRawEvents materialize a full IEvent per row, which dominates on long reads;
    // reading only the columns a RecordedEvent needs and deserializing with Marten's own serializer gives the same
    // events several times faster.
    private async Task<IReadOnlyList<RecordedEvent>> ReadRowsAsync(
        string condition, Action<NpgsqlCommand> bind, CancellationToken cancellationToken)
    {
        // Marten creates its tables on first use through its own API; a plain query must ask for them first.
        await store.Storage.Database.EnsureStorageExistsAsync(typeof(IEvent), cancellationToken);
        await using var session = store.QuerySession();
        var schema = store.Options.Events.DatabaseSchemaName;
        await using var command = new NpgsqlCommand(
            $"select data, mt_dotnet_type, version, seq_id, timestamp from {schema}.mt_events where {condition}",
            session.Connection);
        bind(command);
        var serializer = store.Options.Serializer();
        var events = new List<RecordedEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // An event type this node does not know (written by a newer node) cannot be folded here; it is skipped.
            if (reader.IsDBNull(1) || !EventTypesByDotNetName.TryGetValue(reader.GetString(1), out var type))
                continue;
            var change = (IJobEvent)serializer.FromJson(type, reader, 0);
            events.Add(new RecordedEvent(change, reader.GetInt64(2), reader.GetInt64(3), reader.GetFieldValue<DateTimeOffset>(4)));
        }
        return events;
    }

    private async Task<long> CurrentVersionAsync(JobId job, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var state = await session.Events.FetchStreamStateAsync(job.Value, cancellationToken);
        return state?.Version ?? 0;
    }

    private static DateTimeOffset ToPostgresPrecision(DateTimeOffset at) =>
        new(at.UtcTicks - at.UtcTicks % (TimeSpan.TicksPerMillisecond / 1000), TimeSpan.Zero);

    private static bool IsVersionConflict(Exception e) =>
        e is EventStreamUnexpectedMaxEventIdException
            or Marten.Exceptions.ExistingStreamIdCollisionException
            or JasperFx.Events.ExistingStreamIdCollisionException
        || e.InnerException is { } inner && IsVersionConflict(inner);

    // An event type this node does not know (written by a newer node) cannot be folded here; it is skipped.
    private static RecordedEvent? ToRecorded(IEvent e) =>
        e.Data is IJobEvent change ? new RecordedEvent(change, e.Version, e.Sequence, e.Timestamp) : null;
}
