using System.Text.RegularExpressions;
using JobLog.Model;
using JobLog.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace JobLog.Dispatch.Runs;

/// <summary>
/// The run store on PostgreSQL (tables <c>dispatch_fence</c> and <c>dispatch_runs</c> in the event store's schema).
/// Every fenced write is one statement that takes a share lock on the fence row, compares the fence with the caller's
/// leadership (incarnation and epoch) and writes only when the fence holds exactly that; <see cref="TakeOverAsync"/>
/// sets the fence under an exclusive lock on the same row. So a take-over waits for the fenced writes already running,
/// and a write that starts after a take-over returned sees the new fence and is refused: a deposed leader can neither
/// claim nor begin a call.
/// A store that cannot be reached surfaces as <see cref="StoreUnavailableException"/>; nothing is retried here (a claim
/// whose answer was lost cannot be told from another's claim by asking again).
/// </summary>
public sealed partial class PostgresRunStore : IRunStore, IAsyncDisposable
{
    public const int MaxQueryLimit = 1000;

    // Attempts begun or outcomes recorded in one statement at most; a burst beyond it takes a few.
    private const int MaxWriteBatch = 500;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _schema;
    private readonly string _runs;
    private readonly string _fence;
    private readonly TriggerListener _triggers;
    private readonly WriteBatcher<AttemptBegin, bool> _begins;
    private readonly WriteBatcher<RunEnd, bool> _completions;
    private readonly Lock _schemaGate = new();
    private Task? _schemaReady;

    public PostgresRunStore(string connectionString, string schema, ILogger<PostgresRunStore>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        // The schema is written into statements: only a plain lowercase identifier, as the options validate it too.
        if (!SchemaName().IsMatch(schema))
            throw new ArgumentException($"'{schema}' is not a valid schema name.", nameof(schema));
        _schema = schema;
        _runs = $"{schema}.dispatch_runs";
        _fence = $"{schema}.dispatch_fence";
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _triggers = new TriggerListener(_dataSource, schema, (ILogger?)logger ?? NullLogger.Instance);
        _begins = new WriteBatcher<AttemptBegin, bool>(b => b.RunId, b => (b.Node, b.Leadership), BeginAttemptsAsync, MaxWriteBatch);
        _completions = new WriteBatcher<RunEnd, bool>(e => e.RunId, _ => true, CompleteRunsAsync, MaxWriteBatch);
    }

    public Task<FenceHolder> TakeOverAsync(string node, DispatchFenceToken leadership, CancellationToken cancellationToken) =>
        RunAsync("Taking over the fence failed; it may or may not have been taken", async (connection, ct) =>
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            FenceHolder before;
            await using (var read = new NpgsqlCommand($"select incarnation, epoch, node from {_fence} where id = 1 for update", connection, transaction))
            {
                await using var reader = await read.ExecuteReaderAsync(ct);
                if (!await reader.ReadAsync(ct))
                    throw new InvalidOperationException("The fence row is missing from the run store.");
                before = ReadHolder(reader);
            }
            if (before.Supersedes(leadership))
                throw new FencedException(leadership, before);
            await using (var take = new NpgsqlCommand(
                             $"update {_fence} set incarnation = @incarnation, epoch = @epoch, node = @node, taken_at = now() where id = 1",
                             connection, transaction))
            {
                take.Parameters.AddWithValue("incarnation", leadership.Incarnation);
                take.Parameters.AddWithValue("epoch", leadership.Epoch);
                take.Parameters.AddWithValue("node", node);
                await take.ExecuteNonQueryAsync(ct);
            }
            await transaction.CommitAsync(ct);
            return before;
        }, cancellationToken);

    public Task<DateTimeOffset> DispatchingSinceAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync("Reading when dispatching began failed", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(
                $"update {_fence} set dispatching_since = coalesce(dispatching_since, @now) where id = 1 returning dispatching_since",
                connection);
            command.Parameters.AddWithValue("now", RunRows.Stored(now));
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return reader.GetFieldValue<DateTimeOffset>(0);
        }, cancellationToken);

    public Task<IReadOnlyList<ClaimResult>> ClaimAsync(
        IReadOnlyList<OccurrenceClaim> claims, string node, DispatchFenceToken leadership, DateTimeOffset now, CancellationToken cancellationToken) =>
        InsertClaimsAsync([.. claims.Select(c => (c, (RunCompletion?)null))], node, leadership, now,
            "Claiming occurrences failed; the claims may or may not have been recorded", cancellationToken);

    public Task<IReadOnlyList<ClaimResult>> ResolveWithoutCallAsync(
        IReadOnlyList<OccurrenceClaim> claims, RunCompletion completion, string node, DispatchFenceToken leadership, CancellationToken cancellationToken) =>
        InsertClaimsAsync([.. claims.Select(c => (c, (RunCompletion?)completion))], node, leadership, completion.EndedAt,
            "Recording outcomes without a call failed; they may or may not have been recorded", cancellationToken);

    public Task<IReadOnlyList<ClaimResult>> ResolveEachWithoutCallAsync(
        IReadOnlyList<ResolvedOccurrence> resolved, string node, DispatchFenceToken leadership, DateTimeOffset now, CancellationToken cancellationToken) =>
        InsertClaimsAsync([.. resolved.Select(r => (r.Claim, (RunCompletion?)r.Completion))], node, leadership, now,
            "Recording outcomes without a call failed; they may or may not have been recorded", cancellationToken);

    public Task<bool> BeginAttemptAsync(long runId, int attempt, string node, DispatchFenceToken leadership, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        return _begins.WriteAsync(new AttemptBegin(runId, attempt, node, leadership, RunRows.Stored(now)), cancellationToken);
    }

    public Task<bool> RebaseAsync(long runId, long jobVersion, string node, DispatchFenceToken leadership, CancellationToken cancellationToken) =>
        RunAsync("Moving a run to its job's new version failed; it may or may not have been moved", async (connection, ct) =>
        {
            await using var command = FencedCommand(
                connection,
                $"""
                 update {_runs} as run
                    set job_version = @version
                  where run.id = @id and run.outcome is null and run.attempts = 0
                    and run.claimed_by = @node and run.incarnation = @incarnation and run.epoch = @epoch
                    and {HoldsFence}
                 returning {RunRows.QualifiedColumns("run")}
                 """,
                leadership);
            command.Parameters.AddWithValue("id", runId);
            command.Parameters.AddWithValue("version", jobVersion);
            command.Parameters.AddWithValue("node", node);
            return (await ReadFencedAsync(command, leadership, ct)).Count == 1;
        }, cancellationToken);

    public Task<bool> CompleteAsync(long runId, RunCompletion completion, CancellationToken cancellationToken) =>
        _completions.WriteAsync(new RunEnd(runId, completion), cancellationToken);

    // Attempts begun together by one dispatcher: one fenced statement; refused together when another leadership took over.
    // Rows are found by primary key (id = any) and each row's values looked up by its position in the arrays, never by a
    // join with the arrays: with the table's statistics behind a burst (the unfinished index full of runs finished
    // since), the planner chose a nested loop that scanned the arrays once per unfinished run, 100 ms for 250 rows.
    private Task<IReadOnlyList<bool>> BeginAttemptsAsync(IReadOnlyList<AttemptBegin> begins)
    {
        var (node, leadership) = (begins[0].Node, begins[0].Leadership);
        return RunAsync("Beginning an attempt failed; it may or may not have been recorded", async (connection, ct) =>
        {
            await using var command = FencedCommand(
                connection,
                $"""
                 update {_runs} as run
                    set attempts = (@attempts)[array_position(@ids, run.id)],
                        started_at = coalesce(run.started_at, (@ats)[array_position(@ids, run.id)])
                  where run.id = any(@ids) and run.outcome is null and run.attempts < (@attempts)[array_position(@ids, run.id)]
                    and run.claimed_by = @node and run.incarnation = @incarnation and run.epoch = @epoch
                    and {HoldsFence}
                 returning {RunRows.QualifiedColumns("run")}
                 """,
                leadership);
            command.Parameters.AddWithValue("ids", begins.Select(b => b.RunId).ToArray());
            command.Parameters.AddWithValue("attempts", begins.Select(b => b.Attempt).ToArray());
            command.Parameters.AddWithValue("ats", begins.Select(b => b.At).ToArray());
            command.Parameters.AddWithValue("node", node);
            var begun = (await ReadFencedAsync(command, leadership, ct)).Select(r => r.Id).ToHashSet();
            return (IReadOnlyList<bool>)[.. begins.Select(b => begun.Contains(b.RunId))];
        }, CancellationToken.None);
    }

    // Not fenced: the outcome of a call that was made is a fact whoever reports it; the first one stands. Only a claimed
    // run has one: a trigger no dispatcher claimed yet is still waiting for its call. Rows by key, values by position, as
    // for the attempts begun.
    private Task<IReadOnlyList<bool>> CompleteRunsAsync(IReadOnlyList<RunEnd> ends) =>
        RunAsync("Recording an outcome failed; it may or may not have been recorded", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(
                $"""
                 update {_runs} as run
                    set outcome = (@outcomes)[array_position(@ids, run.id)], ended_at = (@ats)[array_position(@ids, run.id)],
                        http_status = (@statuses)[array_position(@ids, run.id)], error = (@errors)[array_position(@ids, run.id)]
                  where run.id = any(@ids) and run.outcome is null and run.claimed_by is not null
                 returning run.id
                 """,
                connection);
            command.Parameters.AddWithValue("ids", ends.Select(e => e.RunId).ToArray());
            command.Parameters.AddWithValue("outcomes", ends.Select(e => RunNames.NameOf(e.Completion.Outcome)).ToArray());
            command.Parameters.AddWithValue("ats", ends.Select(e => RunRows.Stored(e.Completion.EndedAt)).ToArray());
            command.Parameters.Add(new NpgsqlParameter("statuses", NpgsqlDbType.Array | NpgsqlDbType.Integer)
                { Value = ends.Select(e => e.Completion.HttpStatus).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("errors", NpgsqlDbType.Array | NpgsqlDbType.Text)
                { Value = ends.Select(e => RunRows.StoredError(e.Completion.Error)).ToArray() });
            var recorded = new HashSet<long>();
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                    recorded.Add(reader.GetInt64(0));
            }
            return (IReadOnlyList<bool>)[.. ends.Select(e => recorded.Contains(e.RunId))];
        }, CancellationToken.None);

    public Task<IReadOnlyDictionary<JobId, DateTimeOffset>> LatestScheduledAsync(CancellationToken cancellationToken) =>
        RunAsync("Reading the latest scheduled runs failed", async (connection, ct) =>
        {
            // Two probes of the occurrence index per job (the next job, its latest instant) instead of a scan of every run
            // ever recorded: a take-over costs as much as there are jobs, not as much as there is history.
            await using var command = new NpgsqlCommand(
                $"""
                 with recursive jobs(job_id) as (
                     (select job_id from {_runs} where kind <> 'manual' order by job_id limit 1)
                     union all
                     select (select run.job_id from {_runs} as run
                              where run.kind <> 'manual' and run.job_id > jobs.job_id order by run.job_id limit 1)
                       from jobs where jobs.job_id is not null
                 )
                 select job_id, latest from (
                     select job_id,
                            (select run.scheduled_at from {_runs} as run
                              where run.kind <> 'manual' and run.kind <> 'catchUp' and run.job_id = jobs.job_id
                              order by run.scheduled_at desc limit 1) as latest
                       from jobs where job_id is not null
                 ) as found where latest is not null
                 """,
                connection);
            var latest = new Dictionary<JobId, DateTimeOffset>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                latest[JobId.Parse(reader.GetString(0))] = reader.GetFieldValue<DateTimeOffset>(1);
            return (IReadOnlyDictionary<JobId, DateTimeOffset>)latest;
        }, cancellationToken);

    public Task<IReadOnlyList<RunRecord>> UnfinishedAsync(CancellationToken cancellationToken) =>
        RunAsync("Reading the unfinished runs failed", (connection, ct) => ReadRunsAsync(
            new NpgsqlCommand(
                $"select {RunRows.Columns} from {_runs} where outcome is null and claimed_by is not null order by id", connection),
            ct), cancellationToken);

    // Only a run no call was begun for: one with an attempt begun is in doubt, and calling again could deliver twice.
    // The caller holds the fence, so any other claimer (a null incarnation is an unknown one) is deposed.
    public async Task<RunRecord?> AdoptAsync(long runId, string node, DispatchFenceToken leadership, DateTimeOffset now, CancellationToken cancellationToken) =>
        (await TakeRunsAsync("Adopting a run failed; it may or may not have been adopted", Adoptable, [runId], node, leadership, now, cancellationToken))
        .SingleOrDefault();

    public Task<IReadOnlyList<RunRecord>> AdoptAllAsync(
        IReadOnlyList<long> runIds, string node, DispatchFenceToken leadership, DateTimeOffset now, CancellationToken cancellationToken) =>
        TakeRunsAsync("Adopting runs failed; they may or may not have been adopted", Adoptable, runIds, node, leadership, now, cancellationToken);

    public Task<RunRecord> RequestTriggerAsync(JobId job, long jobVersion, DateTimeOffset at, CancellationToken cancellationToken) =>
        RunAsync("Requesting a trigger failed; it may or may not have been recorded", async (connection, ct) =>
        {
            // One implicit transaction: the notification goes out when the row is committed, and only then.
            await using var batch = new NpgsqlBatch(connection);
            var insert = new NpgsqlBatchCommand(
                $"""
                 insert into {_runs} (job_id, job_version, scheduled_at, kind, trigger_id)
                 values (@job, @version, @at, 'manual', @trigger)
                 returning {RunRows.Columns}
                 """);
            insert.Parameters.AddWithValue("job", job.Value);
            insert.Parameters.AddWithValue("version", jobVersion);
            insert.Parameters.AddWithValue("at", RunRows.Stored(at));
            insert.Parameters.AddWithValue("trigger", Guid.NewGuid());
            var notify = new NpgsqlBatchCommand("select pg_notify(@channel, @schema)");
            notify.Parameters.AddWithValue("channel", RunStoreSchema.TriggerChannel);
            notify.Parameters.AddWithValue("schema", _schema);
            batch.BatchCommands.Add(insert);
            batch.BatchCommands.Add(notify);
            await using var reader = await batch.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
                throw new InvalidOperationException("The trigger's row was not returned.");
            var run = RunRows.Read(reader);
            while (await reader.NextResultAsync(ct))
            {
            }
            return run;
        }, cancellationToken);

    public Task<IReadOnlyList<RunRecord>> PendingTriggersAsync(CancellationToken cancellationToken) =>
        RunAsync("Reading the pending triggers failed", (connection, ct) => ReadRunsAsync(
            new NpgsqlCommand(
                $"""
                 select {RunRows.Columns} from {_runs}
                  where outcome is null and kind = 'manual' and claimed_by is null
                  order by id
                 """,
                connection),
            ct), cancellationToken);

    public async Task<RunRecord?> ClaimTriggerAsync(long runId, string node, DispatchFenceToken leadership, DateTimeOffset now, CancellationToken cancellationToken) =>
        (await TakeRunsAsync(
            "Claiming a trigger failed; it may or may not have been claimed",
            "kind = 'manual' and claimed_by is null and outcome is null",
            [runId], node, leadership, now, cancellationToken))
        .SingleOrDefault();

    // Makes the runs the caller's (node, leadership, claimed now) that are in the state the condition names, in one
    // statement fenced like every dispatcher write; returns those taken (none that are not in that state).
    private Task<IReadOnlyList<RunRecord>> TakeRunsAsync(
        string failure, string condition, IReadOnlyList<long> runIds, string node, DispatchFenceToken leadership, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        RunAsync(failure, async (connection, ct) =>
        {
            await using var command = FencedCommand(
                connection,
                $"""
                 update {_runs}
                    set claimed_by = @node, incarnation = @incarnation, epoch = @epoch, claimed_at = @now
                  where id = any(@ids) and {condition}
                    and {HoldsFence}
                 returning {RunRows.Columns}
                 """,
                leadership);
            command.Parameters.AddWithValue("ids", runIds.ToArray());
            command.Parameters.AddWithValue("node", node);
            command.Parameters.AddWithValue("now", RunRows.Stored(now));
            return await ReadFencedAsync(command, leadership, ct);
        }, cancellationToken);

    public Task WaitForTriggerAsync(CancellationToken cancellationToken) => _triggers.WaitAsync(cancellationToken);

    public Task<RunRecord?> GetAsync(long runId, CancellationToken cancellationToken) =>
        RunAsync("Reading a run failed", async (connection, ct) =>
        {
            var command = new NpgsqlCommand($"select {RunRows.Columns} from {_runs} where id = @id", connection);
            command.Parameters.AddWithValue("id", runId);
            return (await ReadRunsAsync(command, ct)).SingleOrDefault();
        }, cancellationToken);

    public Task<RunPage> QueryAsync(RunQuery query, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, MaxQueryLimit, nameof(query));
        return RunAsync("Reading runs failed", async (connection, ct) =>
        {
            var command = new NpgsqlCommand { Connection = connection };
            // Only the filters asked for are in the statement, so each query can use its index.
            var filters = new List<string>();
            if (query.Job is { } job)
            {
                filters.Add("job_id = @job");
                command.Parameters.AddWithValue("job", job.Value);
            }
            if (query.Before is { } before)
            {
                filters.Add("id < @before");
                command.Parameters.AddWithValue("before", before);
            }
            if (query.Since is { } since)
            {
                filters.Add("scheduled_at >= @since");
                command.Parameters.AddWithValue("since", RunRows.Stored(since));
            }
            if (query.Outcome is { } outcome)
            {
                filters.Add("outcome = @outcome");
                command.Parameters.AddWithValue("outcome", RunNames.NameOf(outcome));
            }
            var where = filters.Count == 0 ? "" : $"where {string.Join(" and ", filters)}";
            // One row more than the page tells whether another page follows.
            command.CommandText = $"select {RunRows.Columns} from {_runs} {where} order by id desc limit @take";
            command.Parameters.AddWithValue("take", query.Limit + 1);
            var rows = await ReadRunsAsync(command, ct);
            return rows.Count > query.Limit
                ? new RunPage([.. rows.Take(query.Limit)], rows[query.Limit - 1].Id)
                : new RunPage(rows, null);
        }, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _triggers.DisposeAsync();
        await _dataSource.DisposeAsync();
    }

    // One statement per batch, its rows in a fixed order (job, instant): two leaders claiming overlapping batches wait on
    // each other's rows in the same order, so they cannot deadlock. A claim that meets an existing row gets no run: the
    // occurrence is someone else's (or an earlier claim's in the same batch) to record.
    // One statement, so one commit: every row is written or none. A resolved row is claimed at its end instant.
    private async Task<IReadOnlyList<ClaimResult>> InsertClaimsAsync(
        IReadOnlyList<(OccurrenceClaim Claim, RunCompletion? Completion)> rows,
        string node,
        DispatchFenceToken leadership,
        DateTimeOffset now,
        string failure,
        CancellationToken cancellationToken)
    {
        if (rows.Any(r => r.Claim.Kind == RunKind.Manual))
            throw new ArgumentException("Manual runs are requested with RequestTriggerAsync, not claimed as occurrences.", nameof(rows));
        var distinct = rows
            .DistinctBy(r => Key(r.Claim))
            .OrderBy(r => r.Claim.Job.Value, StringComparer.Ordinal)
            .ThenBy(r => RunRows.Stored(r.Claim.ScheduledAt))
            .ToList();
        var written = await RunAsync(failure, async (connection, ct) =>
        {
            await using var command = FencedCommand(
                connection,
                $"""
                 insert into {_runs}
                     (job_id, job_version, scheduled_at, kind, claimed_by, incarnation, epoch, claimed_at,
                      outcome, ended_at, http_status, error)
                 select c.job_id, c.job_version, c.scheduled_at, c.kind, @node, @incarnation, @epoch, coalesce(c.ended_at, @claimed),
                        c.outcome, c.ended_at, c.http_status, c.error
                   from unnest(@jobs, @versions, @instants, @kinds, @outcomes, @ends, @statuses, @errors) with ordinality
                        as c(job_id, job_version, scheduled_at, kind, outcome, ended_at, http_status, error, position)
                  where {HoldsFence}
                  order by c.position
                 on conflict (job_id, scheduled_at) where kind <> 'manual' do nothing
                 returning {RunRows.Columns}
                 """,
                leadership);
            command.Parameters.AddWithValue("node", node);
            command.Parameters.AddWithValue("claimed", RunRows.Stored(now));
            command.Parameters.AddWithValue("jobs", distinct.Select(r => r.Claim.Job.Value).ToArray());
            command.Parameters.AddWithValue("versions", distinct.Select(r => r.Claim.JobVersion).ToArray());
            command.Parameters.Add(new NpgsqlParameter("instants", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
            {
                Value = distinct.Select(r => RunRows.Stored(r.Claim.ScheduledAt)).ToArray(),
            });
            command.Parameters.AddWithValue("kinds", distinct.Select(r => RunNames.NameOf(r.Claim.Kind)).ToArray());
            command.Parameters.Add(new NpgsqlParameter("outcomes", NpgsqlDbType.Array | NpgsqlDbType.Text)
                { Value = distinct.Select(r => r.Completion is { } c ? RunNames.NameOf(c.Outcome) : null).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("ends", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
                { Value = distinct.Select(r => r.Completion is { } c ? RunRows.Stored(c.EndedAt) : (DateTimeOffset?)null).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("statuses", NpgsqlDbType.Array | NpgsqlDbType.Integer)
                { Value = distinct.Select(r => r.Completion?.HttpStatus).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("errors", NpgsqlDbType.Array | NpgsqlDbType.Text)
                { Value = distinct.Select(r => RunRows.StoredError(r.Completion?.Error)).ToArray() });
            return await ReadFencedAsync(command, leadership, ct);
        }, cancellationToken);

        var runs = written.ToDictionary(r => (r.Job, r.ScheduledAt));
        return rows.Select(row => new ClaimResult(row.Claim, runs.Remove(Key(row.Claim), out var run) ? run : null)).ToList();

        static (JobId, DateTimeOffset) Key(OccurrenceClaim claim) => (claim.Job, RunRows.Stored(claim.ScheduledAt));
    }

    // A run nobody began a call for, claimed by another leadership than the caller's (which holds the fence).
    private const string Adoptable =
        "outcome is null and attempts = 0 and claimed_by is not null and (incarnation is distinct from @incarnation or epoch <> @epoch)";

    // The condition every fenced write carries: the fence row (read under a share lock) holds the caller's leadership.
    private const string HoldsFence = "exists (select from fence where fence.incarnation = @incarnation and fence.epoch = @epoch)";

    /// <summary>
    /// A fenced write: <paramref name="write"/> is one data-modifying statement returning <see cref="RunRows.Columns"/>,
    /// which writes only under <see cref="HoldsFence"/>, the fence row read under a share lock compared with
    /// <c>@incarnation</c> and <c>@epoch</c>. The command's first columns are the fence as the write saw it, the written
    /// rows follow them, one per row.
    /// </summary>
    private NpgsqlCommand FencedCommand(NpgsqlConnection connection, string write, DispatchFenceToken leadership)
    {
        // The left join keeps the fence's row when nothing was written, so a refusal can be told from "not yours".
        var command = new NpgsqlCommand(
            $"""
             with fence as (select incarnation, epoch, node from {_fence} where id = 1 for share),
             written as (
             {write}
             )
             select fence.incarnation, fence.epoch, fence.node, written.* from fence left join written on true
             """,
            connection);
        command.Parameters.AddWithValue("incarnation", leadership.Incarnation);
        command.Parameters.AddWithValue("epoch", leadership.Epoch);
        return command;
    }

    private const int FenceColumns = 3;

    private static async Task<IReadOnlyList<RunRecord>> ReadFencedAsync(
        NpgsqlCommand command, DispatchFenceToken leadership, CancellationToken cancellationToken)
    {
        var runs = new List<RunRecord>();
        FenceHolder? fence = null;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                fence = ReadHolder(reader);
                if (!reader.IsDBNull(FenceColumns))
                    runs.Add(RunRows.Read(reader, first: FenceColumns));
            }
        }
        return fence switch
        {
            null => throw new InvalidOperationException("The fence row is missing from the run store."),
            { } f when !f.Holds(leadership) => throw new FencedException(leadership, f),
            _ => runs,
        };
    }

    // Reads incarnation, epoch, node from the first three columns.
    private static FenceHolder ReadHolder(NpgsqlDataReader reader) => new(
        reader.IsDBNull(0) ? null : reader.GetString(0),
        reader.GetInt64(1),
        reader.IsDBNull(2) ? null : reader.GetString(2));

    private static async Task<IReadOnlyList<RunRecord>> ReadRunsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using (command)
        {
            var runs = new List<RunRecord>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                runs.Add(RunRows.Read(reader));
            return runs;
        }
    }

    // The message is ours and names the operation, never the statement: it may reach a log beside a client's request.
    private async Task<T> RunAsync<T>(
        string failure, Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await SchemaReadyAsync(cancellationToken);
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            return await work(connection, cancellationToken);
        }
        catch (Exception e) when (e is not FencedException
                                  && !cancellationToken.IsCancellationRequested
                                  && StoreFailures.IsUnavailability(e))
        {
            throw new StoreUnavailableException($"{failure}: the run store is unavailable.", e);
        }
    }

    // Created once per store, shared and under no caller's time limit (each caller waits within its own); a failed
    // attempt is forgotten so the next call tries again.
    private Task SchemaReadyAsync(CancellationToken cancellationToken)
    {
        Task ready;
        lock (_schemaGate)
        {
            if (_schemaReady is null || _schemaReady.IsFaulted || _schemaReady.IsCanceled)
                _schemaReady = Task.Run(() => RunStoreSchema.CreateAsync(_dataSource, _schema, CancellationToken.None));
            ready = _schemaReady;
        }
        return ready.IsCompletedSuccessfully ? Task.CompletedTask : ready.WaitAsync(cancellationToken);
    }

    private sealed record AttemptBegin(long RunId, int Attempt, string Node, DispatchFenceToken Leadership, DateTimeOffset At);

    private sealed record RunEnd(long RunId, RunCompletion Completion);

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaName();
}
