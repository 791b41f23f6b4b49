using System.Buffers;
using System.Diagnostics;
using JasperFx.Events;
using JobLog.Model;
using Marten;
using Marten.Exceptions;
using Marten.Storage;
using Npgsql;

namespace JobLog.Store;

/// <summary>The event store on PostgreSQL through Marten: one string-keyed stream per job.</summary>
/// <param name="inFlightWait">
/// How long one read of the global feed waits for appends in flight to finish when it finds a hole in the sequence
/// they may fill, before it ends the page at the hole; appends take milliseconds, so this only bounds the wait for a
/// transaction someone holds open.
/// </param>
public sealed class MartenJobEventStore(IDocumentStore store, TimeSpan inFlightWait) : IJobEventStore
{
    public static readonly TimeSpan DefaultInFlightWait = TimeSpan.FromMilliseconds(250);

    private static readonly TimeSpan LongestPoll = TimeSpan.FromMilliseconds(50);

    private const byte JsonbVersion = 1;

    private readonly string _schema = store.Options.Events.DatabaseSchemaName;
    private readonly Lock _schemaGate = new();
    private Task? _schemaReady;

    public MartenJobEventStore(IDocumentStore store)
        : this(store, DefaultInFlightWait)
    {
    }

    public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(JobId job, CancellationToken cancellationToken) =>
        ReadStreamRowsAsync(
            "stream_id = @stream order by version",
            command => command.Parameters.AddWithValue("stream", job.Value),
            cancellationToken);

    public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(JobId job, long toVersion, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(toVersion);
        return ReadStreamRowsAsync(
            "stream_id = @stream and version <= @to order by version",
            command =>
            {
                command.Parameters.AddWithValue("stream", job.Value);
                command.Parameters.AddWithValue("to", toVersion);
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<RecordedEvent>> ReadStreamsAsync(IReadOnlyCollection<JobId> jobs, CancellationToken cancellationToken) =>
        jobs.Count == 0
            ? Task.FromResult<IReadOnlyList<RecordedEvent>>([])
            : ReadStreamRowsAsync(
                "stream_id = any(@streams) order by stream_id, version",
                command => command.Parameters.AddWithValue("streams", jobs.Select(j => j.Value).ToArray()),
                cancellationToken);

    public async Task<AppendOutcome> AppendAsync(JobId job, long expectedVersion, IJobEvent change, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        if (change.Job != job)
            throw new ArgumentException($"Event for job {change.Job} appended to stream {job}.", nameof(change));

        await SchemaReadyAsync(cancellationToken);
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

        // Marten's quick append reports the sequence number it took and stores the time it set, which PostgreSQL keeps
        // to the microsecond, so the written event is known without a read; the read remains for a Marten that does not.
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

    // PostgreSQL hands out sequence numbers before commit, so a reader can see a number's neighbours before the number
    // itself, and a number whose transaction rolled back stays empty for good. A reader that passed a hole still being
    // filled would never see that event, and one that waited at a dead hole would stall: the page passes a hole only
    // once no transaction that may still fill it is alive.
    //
    // Why that is decidable: every number in a hole below a visible row was taken before the reading snapshot (numbers
    // rise, and the row above committed before it), by the transaction that inserts the row (Marten's quick append takes
    // the number inside its insert), and nextval holds a RowExclusiveLock on the sequence until its transaction ends.
    // So any transaction that may still fill a hole is among the lock holders the same statement saw in pg_locks. Once
    // none of those holds the lock any more, each has committed or rolled back, and a read with a newer snapshot shows
    // every event it committed: whatever is still missing at or below that read's last row is empty for good.
    // Marten's own filler rows (tombstones after a failed append) and event types this node does not know are rows:
    // they advance the position without being events here.
    public async Task<FeedPage> ReadAllAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterSequence);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await SchemaReadyAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        var events = new List<RecordedEvent>();
        var position = afterSequence;
        var deadThrough = afterSequence;
        while (true)
        {
            var rowLimit = limit - events.Count;
            var read = await ReadFeedRowsAsync(connection, position, rowLimit, cancellationToken);
            var stoppedAtHole = false;
            foreach (var row in read.Rows)
            {
                if (row.Sequence > position + 1 && row.Sequence - 1 > deadThrough)
                {
                    stoppedAtHole = true;
                    break;
                }
                position = row.Sequence;
                if (row.Event is { } recorded)
                    events.Add(recorded);
            }

            if (!stoppedAtHole)
            {
                if (read.Rows.Count < rowLimit)
                    return new FeedPage(events, position, ReachedEnd: true);
                if (events.Count == limit)
                    return new FeedPage(events, position, ReachedEnd: false);
                continue;
            }

            position = Math.Max(position, deadThrough);
            if (!await AllFinishedAsync(connection, read.SequenceLockHolders, cancellationToken))
                return new FeedPage(events, position, ReachedEnd: true);
            deadThrough = read.Rows[^1].Sequence;
        }
    }

    public async Task<IReadOnlyDictionary<JobId, long>> StreamVersionsAsync(CancellationToken cancellationToken)
    {
        await SchemaReadyAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        var versions = new Dictionary<JobId, long>();
        await using var command = new NpgsqlCommand($"select id, version from {_schema}.mt_streams", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (JobId.TryParse(reader.GetString(0), out var id, out _))
                versions[id] = reader.GetInt64(1);
        }
        return versions;
    }

    // Marten creates and checks its tables on first use, which took seconds in a fresh process, inside whichever call
    // came first and under that call's time limit: a call that gave up abandoned the check, and the next began anew.
    // Now it runs once per process, shared and under no caller's limit; each caller waits within its own, and after
    // it Marten's own checks on first use find everything checked.
    private Task SchemaReadyAsync(CancellationToken cancellationToken)
    {
        Task ready;
        lock (_schemaGate)
        {
            if (_schemaReady is null || _schemaReady.IsFaulted || _schemaReady.IsCanceled)
                _schemaReady = Task.Run(PrepareSchemaAsync);
            ready = _schemaReady;
        }
        return ready.IsCompletedSuccessfully ? Task.CompletedTask : ready.WaitAsync(cancellationToken);
    }

    // Nodes that start together on a fresh database would create the same tables at the same time, and all but one
    // would fail; holding a lock named after the schema, they take turns, and the later ones find it done.
    private async Task PrepareSchemaAsync()
    {
        await using var connection = await OpenAsync(CancellationToken.None);
        await using var take = new NpgsqlCommand("select pg_advisory_lock(hashtextextended(@name, 0))", connection);
        take.Parameters.AddWithValue("name", SchemaLock.Name(_schema));
        await take.ExecuteNonQueryAsync();
        try
        {
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        }
        finally
        {
            await using var release = new NpgsqlCommand("select pg_advisory_unlock(hashtextextended(@name, 0))", connection);
            release.Parameters.AddWithValue("name", SchemaLock.Name(_schema));
            await release.ExecuteNonQueryAsync();
        }
    }

    // The primary, never a standby: the feed's reading of holes needs the server whose transactions take the numbers.
    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = store.Storage.Database.CreateConnection(ConnectionUsage.ReadWrite);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Rows above <paramref name="afterSequence"/> (any type) and, read by the same statement and so no earlier than its
    /// snapshot, the transactions then holding a lock on the event sequence.
    /// </summary>
    private async Task<FeedRead> ReadFeedRowsAsync(
        NpgsqlConnection connection, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
             select seq_id, type, data, version, timestamp, null::text[] as lock_holders
               from (select seq_id, type, data, version, timestamp
                       from {_schema}.mt_events
                      where seq_id > @after
                      order by seq_id
                      limit @limit) page
             union all
             select null, null, null, null, null, array({SequenceLockHoldersSql})
             order by seq_id nulls first
             """,
            connection);
        command.Parameters.AddWithValue("after", afterSequence);
        command.Parameters.AddWithValue("limit", limit);
        var serializer = store.Options.Serializer();
        var rows = new List<FeedRow>(Math.Min(limit, 10_000));
        string[] holders = [];
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.IsDBNull(0))
            {
                holders = reader.GetFieldValue<string[]>(5);
                continue;
            }
            var sequence = reader.GetInt64(0);
            RecordedEvent? recorded = null;
            if (!reader.IsDBNull(1) && JobEventTypes.TryFind(reader.GetString(1), out var type))
            {
                var change = Decode(serializer, type, reader, 2);
                recorded = new RecordedEvent(change, reader.GetInt64(3), sequence, reader.GetFieldValue<DateTimeOffset>(4));
            }
            rows.Add(new FeedRow(sequence, recorded));
        }
        return new FeedRead(rows, holders);
    }

    /// <summary>True once none of <paramref name="holders"/> holds its lock on the sequence, i.e. each has ended.</summary>
    private async Task<bool> AllFinishedAsync(NpgsqlConnection connection, string[] holders, CancellationToken cancellationToken)
    {
        if (holders.Length == 0)
            return true;
        await using var command = new NpgsqlCommand(
            $"select count(*) from ({SequenceLockHoldersSql}) holder where holder.virtualtransaction = any(@holders)", connection);
        command.Parameters.AddWithValue("holders", holders);
        var waited = Stopwatch.StartNew();
        var pause = TimeSpan.FromMilliseconds(1);
        while ((long)(await command.ExecuteScalarAsync(cancellationToken))! > 0)
        {
            if (waited.Elapsed >= inFlightWait)
                return false;
            await Task.Delay(pause, cancellationToken);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPoll.Ticks));
        }
        return true;
    }

    // pg_locks covers the whole server, and relation ids repeat across databases.
    private string SequenceLockHoldersSql =>
        $"""
         select l.virtualtransaction from pg_locks l
          where l.locktype = 'relation'
            and l.database = (select d.oid from pg_database d where d.datname = current_database())
            and l.relation = '{_schema}.mt_events_sequence'::regclass
         """;

    // Marten's FetchStream materializes a full IEvent per row, which dominates on long reads; reading only the columns
    // a RecordedEvent needs and decoding them as Marten's serializer does gives the same events several times faster.
    private async Task<IReadOnlyList<RecordedEvent>> ReadStreamRowsAsync(
        string condition, Action<NpgsqlCommand> bind, CancellationToken cancellationToken)
    {
        await SchemaReadyAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"select data, type, version, seq_id, timestamp from {_schema}.mt_events where {condition}",
            connection);
        bind(command);
        var serializer = store.Options.Serializer();
        var events = new List<RecordedEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // An event type this node does not know (written by a newer node) cannot be folded here; it is skipped.
            if (reader.IsDBNull(1) || !JobEventTypes.TryFind(reader.GetString(1), out var type))
                continue;
            var change = Decode(serializer, type, reader, 0);
            events.Add(new RecordedEvent(change, reader.GetInt64(2), reader.GetInt64(3), reader.GetFieldValue<DateTimeOffset>(4)));
        }
        return events;
    }

    private static IJobEvent Decode(ISerializer serializer, Type type, NpgsqlDataReader reader, int ordinal)
    {
        using var json = reader.GetStream(ordinal);
        var length = (int)json.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            json.ReadExactly(buffer, 0, length);
            // A jsonb value arrives as its format's version byte, then the JSON text.
            if (length > 0 && buffer[0] == JsonbVersion && EventJson.TryRead(type, buffer.AsSpan(1, length - 1)) is { } change)
                return change;
            return (IJobEvent)serializer.FromJson(type, new MemoryStream(buffer, 0, length, writable: false));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
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

    /// <param name="Event">The event, or null for a row that is not one of this node's events.</param>
    private sealed record FeedRow(long Sequence, RecordedEvent? Event);

    private sealed record FeedRead(IReadOnlyList<FeedRow> Rows, string[] SequenceLockHolders);
}
