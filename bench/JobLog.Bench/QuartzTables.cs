using Npgsql;

namespace JobLog.Bench;

/// <summary>
/// The tables Quartz.NET 4.7's AdoJobStore reads and writes on PostgreSQL (the peer starts with schema validation
/// on, so a missing table or column fails its start), created by the bench in a schema of its own per run.
/// Columns, keys and the indexes its acquisition and recovery queries use follow Quartz's own PostgreSQL schema for
/// that release; the history and job status tables, which the peer never fills (execution history is off), get no indexes.
/// </summary>
public static class QuartzTables
{
    private const string Prefix = "qrtz_";

    // Quartz's scheduler, trigger and job key columns: every table is keyed by the scheduler name first.
    private const string TriggerKey = "sched_name text not null, trigger_name text not null, trigger_group text not null";
    private const string TriggerKeyColumns = "sched_name, trigger_name, trigger_group";
    private const string PauseColumns = "pause_reason varchar(250), paused_by varchar(200), paused_at bigint";

    private static readonly string[] Tables =
    [
        $"""
         create table {Prefix}job_details (
           sched_name text not null, job_name text not null, job_group text not null,
           description text, job_class_name text not null,
           is_durable bool not null, is_nonconcurrent bool not null, is_update_data bool not null, requests_recovery bool not null,
           job_data bytea,
           primary key (sched_name, job_name, job_group))
         """,
        $"""
         create table {Prefix}triggers (
           {TriggerKey},
           job_name text not null, job_group text not null, description text,
           next_fire_time bigint, prev_fire_time bigint, priority integer,
           trigger_state text not null, trigger_type text not null,
           start_time bigint not null, end_time bigint, calendar_name text,
           misfire_instr smallint, misfire_orig_fire_time bigint, misfire_threshold bigint,
           execution_group varchar(200), preferred_node varchar(200), preferred_node_auto bool not null default false,
           retry_policy varchar(250), retry_attempt integer,
           continues_trigger_name text, continues_trigger_group text, continuation_condition integer,
           overlap_policy integer, fixed_delay bool,
           {PauseColumns},
           job_data bytea,
           primary key ({TriggerKeyColumns}),
           foreign key (sched_name, job_name, job_group) references {Prefix}job_details (sched_name, job_name, job_group))
         """,
        SubTrigger("simple_triggers", "repeat_count bigint not null, repeat_interval bigint not null, times_triggered bigint not null"),
        SubTrigger("cron_triggers", "cron_expression text not null, time_zone_id text"),
        SubTrigger("simprop_triggers",
            """
            str_prop_1 text, str_prop_2 text, str_prop_3 text, int_prop_1 integer, int_prop_2 integer,
            long_prop_1 bigint, long_prop_2 bigint, dec_prop_1 numeric, dec_prop_2 numeric,
            bool_prop_1 bool, bool_prop_2 bool, time_zone_id text
            """),
        SubTrigger("blob_triggers", "blob_data bytea"),
        $"create table {Prefix}calendars (sched_name text not null, calendar_name text not null, calendar bytea not null, primary key (sched_name, calendar_name))",
        $"create table {Prefix}paused_trigger_grps (sched_name text not null, trigger_group text not null, {PauseColumns}, primary key (sched_name, trigger_group))",
        $"create table {Prefix}paused_job_grps (sched_name text not null, job_group text not null, {PauseColumns}, primary key (sched_name, job_group))",
        $"""
         create table {Prefix}fired_triggers (
           sched_name text not null, entry_id text not null,
           trigger_name text not null, trigger_group text not null, instance_name text not null,
           fired_time bigint not null, sched_time bigint not null, priority integer not null, state text not null,
           job_name text, job_group text, is_nonconcurrent bool not null, requests_recovery bool,
           execution_group varchar(200), progress integer, progress_message varchar(250), interrupt_requested_time bigint,
           primary key (sched_name, entry_id))
         """,
        $"""
         create table {Prefix}scheduler_state (
           sched_name text not null, instance_name text not null,
           last_checkin_time bigint not null, checkin_interval bigint not null, quartz_version varchar(20),
           primary key (sched_name, instance_name))
         """,
        $"create table {Prefix}locks (sched_name text not null, lock_name text not null, primary key (sched_name, lock_name))",
        $"""
         create table {Prefix}execution_history (
           sched_name text not null, entry_id text not null, instance_name text not null,
           job_name text not null, job_group text not null, trigger_name text not null, trigger_group text not null,
           fired_time bigint not null, run_time bigint not null, succeeded bool not null, error_message text,
           retry_attempt integer not null default 0, retry_scheduled bool not null default false,
           execution_log text, result integer, summary text, metrics text, manual bool, fire_instance_id text,
           job_input text, job_input_too_large bool,
           primary key (sched_name, entry_id))
         """,
        $"""
         create table {Prefix}misfire_history (
           sched_name text not null, entry_id text not null, instance_name text not null,
           trigger_name text not null, trigger_group text not null, job_name text, job_group text,
           misfire_time bigint not null, sched_time bigint, reason integer,
           primary key (sched_name, entry_id))
         """,
        $"""
         create table {Prefix}job_status (
           sched_name text not null, job_group text not null, job_name text not null,
           first_fired_time bigint not null, last_fired_time bigint not null, last_result integer not null,
           last_run_time bigint not null, last_instance_name text not null, last_entry_id text, last_summary text,
           last_success_time bigint, last_failure_time bigint, last_failure_message text,
           consecutive_failures integer not null default 0, run_count bigint not null default 0, failure_count bigint not null default 0,
           primary key (sched_name, job_group, job_name))
         """,
    ];

    private static readonly string[] Indexes =
    [
        // Acquisition: the next waiting triggers by fire time.
        $"create index on {Prefix}triggers (sched_name, trigger_state, next_fire_time, priority desc, misfire_instr)",
        $"create index on {Prefix}triggers (sched_name, job_name, job_group)",
        $"create index on {Prefix}triggers (sched_name, trigger_group, trigger_name)",
        $"create index on {Prefix}triggers (sched_name, calendar_name)",
        $"create index on {Prefix}job_details (sched_name, job_group, job_name)",
        // Cluster recovery: a dead instance's firings.
        $"create index on {Prefix}fired_triggers (sched_name, instance_name, requests_recovery)",
        $"create index on {Prefix}fired_triggers (sched_name, job_name, job_group)",
        $"create index on {Prefix}fired_triggers (sched_name, trigger_name, trigger_group)",
    ];

    /// <summary>Table names in an order that truncation with cascade accepts in one statement.</summary>
    private static readonly string[] Names =
    [
        "fired_triggers", "paused_trigger_grps", "paused_job_grps", "scheduler_state", "locks", "simple_triggers",
        "cron_triggers", "simprop_triggers", "blob_triggers", "triggers", "job_details", "calendars",
        "execution_history", "misfire_history", "job_status",
    ];

    /// <summary>Creates <paramref name="schema"/> (which must not exist) with every Quartz table in it.</summary>
    public static async Task CreateAsync(string connectionString, string schema, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await ExecuteAsync(connection, $"create schema {schema}", ct);
        await ExecuteAsync(connection, $"set local search_path to {schema}", ct);
        foreach (var statement in Tables.Concat(Indexes))
            await ExecuteAsync(connection, statement, ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>Removes every job, trigger and cluster check-in, so the next workload starts from nothing.</summary>
    public static async Task ClearAsync(string connectionString, string schema, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await ExecuteAsync(connection, $"truncate {string.Join(", ", Names.Select(n => $"{schema}.{Prefix}{n}"))} cascade", ct);
    }

    /// <summary>The connection string the peers use: the same server, with the run's schema first on the search path.</summary>
    public static string ConnectionStringFor(string connectionString, string schema) =>
        new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema, MaxPoolSize = 20 }.ConnectionString;

    private static string SubTrigger(string name, string columns) =>
        $"""
         create table {Prefix}{name} (
           {TriggerKey},
           {columns},
           primary key ({TriggerKeyColumns}),
           foreign key ({TriggerKeyColumns}) references {Prefix}triggers ({TriggerKeyColumns}) on delete cascade)
         """;

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
