using JobLog.Store;
using Npgsql;

namespace JobLog.Dispatch.Runs;

/// <summary>
/// The run store's tables, created on first use in the event store's schema: the fence (one row, the leadership that
/// took over last: incarnation, epoch, node; no incarnation and epoch 0 before any) and the runs, with the indexes the
/// claims and the queries need. A store made before incarnations were recorded gets the columns added.
/// </summary>
internal static class RunStoreSchema
{
    /// <summary>The channel a trigger request notifies; the payload is the schema, so stores of other schemas ignore it.</summary>
    public const string TriggerChannel = "joblog_dispatch";

    private static readonly string[] Relations =
    [
        "dispatch_fence", "dispatch_runs", "dispatch_runs_occurrence", "dispatch_runs_trigger", "dispatch_runs_job",
        "dispatch_runs_scheduled", "dispatch_runs_unfinished",
    ];

    // The tables that gained an incarnation column after their first release.
    private static readonly string[] IncarnationTables = ["dispatch_fence", "dispatch_runs"];

    // Every statement is idempotent, and the whole runs in one transaction under the schema's advisory lock (the one
    // Marten's migration holds too), so nodes starting together neither race each other nor Marten on a fresh schema.
    // A schema that has everything is left alone: even "create index if not exists" takes a lock on the table that
    // waits for every open write on it and holds up the writes queued behind it.
    public static async Task CreateAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var present = new NpgsqlCommand(
                         "select (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace " +
                         "        where n.nspname = @schema and c.relname = any(@names))" +
                         "     + (select count(*) from pg_attribute a join pg_class c on c.oid = a.attrelid " +
                         "        join pg_namespace n on n.oid = c.relnamespace " +
                         "        where n.nspname = @schema and c.relname = any(@tables) and a.attname = 'incarnation' and not a.attisdropped)",
                         connection))
        {
            present.Parameters.AddWithValue("schema", schema);
            present.Parameters.AddWithValue("names", Relations);
            present.Parameters.AddWithValue("tables", IncarnationTables);
            if ((long)(await present.ExecuteScalarAsync(cancellationToken))! == Relations.Length + IncarnationTables.Length)
                return;
        }
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var take = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended(@name, 0))", connection, transaction))
        {
            take.Parameters.AddWithValue("name", SchemaLock.Name(schema));
            await take.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var create = new NpgsqlCommand(Ddl(schema), connection, transaction))
            await create.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    // The unique index on (job_id, scheduled_at) is what makes "each occurrence is claimed at most once" hold whoever
    // asks; manual runs are outside it (each trigger is its own occurrence, unique by trigger_id). Keyset pages of all
    // runs walk the primary key backwards, so no separate (id desc) index is kept.
    private static string Ddl(string schema) =>
        $"""
         create schema if not exists {schema};

         create table if not exists {schema}.dispatch_fence (
             id smallint primary key check (id = 1),
             epoch bigint not null,
             node text,
             taken_at timestamptz,
             dispatching_since timestamptz,
             incarnation text
         );
         alter table {schema}.dispatch_fence add column if not exists incarnation text;
         insert into {schema}.dispatch_fence (id, epoch) values (1, 0) on conflict (id) do nothing;

         create table if not exists {schema}.dispatch_runs (
             id bigint generated always as identity primary key,
             job_id text not null,
             job_version bigint not null,
             scheduled_at timestamptz not null,
             kind text not null check (kind in {RunRows.KindCheck}),
             trigger_id uuid,
             claimed_by text,
             epoch bigint,
             claimed_at timestamptz,
             started_at timestamptz,
             ended_at timestamptz,
             attempts integer not null default 0,
             outcome text check (outcome in {RunRows.OutcomeCheck}),
             http_status integer,
             error text,
             incarnation text,
             check ((kind = 'manual') = (trigger_id is not null)),
             check ((claimed_by is null) = (epoch is null))
         );
         alter table {schema}.dispatch_runs add column if not exists incarnation text;
         create unique index if not exists dispatch_runs_occurrence
             on {schema}.dispatch_runs (job_id, scheduled_at) where kind <> 'manual';
         create unique index if not exists dispatch_runs_trigger
             on {schema}.dispatch_runs (trigger_id) where trigger_id is not null;
         create index if not exists dispatch_runs_job on {schema}.dispatch_runs (job_id, id desc);
         create index if not exists dispatch_runs_scheduled on {schema}.dispatch_runs (scheduled_at);
         create index if not exists dispatch_runs_unfinished on {schema}.dispatch_runs (id) where outcome is null;
         """;
}
