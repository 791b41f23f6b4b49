using System.Collections.Immutable;
using JasperFx.Events;
using JobLog.Model;
using JobLog.Store;
using Marten;
using Npgsql;

namespace JobLog.Bench;

/// <summary>Fills a fresh schema with many jobs fast, through Marten's bulk insert, as the startup and cluster suites need.</summary>
public static class BulkJobs
{
    private const int JobsPerBatch = 1_000;
    private static readonly Provenance By = new("bench", "bench-loader", null);

    /// <summary>
    /// Bulk-inserts <paramref name="jobs"/> jobs (one JobAdded each, ids <see cref="IdOf"/>) in batches, with
    /// <paramref name="fillersPerBatch"/> rows after each batch written exactly as Marten writes its tombstones.
    /// Returns how many filler rows it wrote.
    /// </summary>
    public static async Task<int> LoadAsync(string connectionString, string schema, int jobs, int fillersPerBatch, CancellationToken ct)
    {
        using var documents = JobLogMarten.CreateDocumentStore(connectionString, schema);
        var fillers = 0;
        for (var first = 0; first < jobs; first += JobsPerBatch)
        {
            var streams = Enumerable.Range(first, Math.Min(JobsPerBatch, jobs - first))
                .Select(i => StreamAction.Start(documents.Events, IdOf(i).Value, Added(i)))
                .ToList();
            await documents.BulkInsertEventsAsync(streams, JobsPerBatch, ct);
            if (fillersPerBatch > 0)
            {
                await WriteFillersAsync(connectionString, schema, fillersPerBatch, ct);
                fillers += fillersPerBatch;
            }
        }
        return fillers;
    }

    public static JobId IdOf(int i) => JobId.Parse($"job-{i:D7}");

    /// <summary>Events of jobs in the schema, Marten's own rows left out.</summary>
    public static async Task<long> CountEventsAsync(string connectionString, string schema, CancellationToken ct) =>
        (long)(await ScalarAsync(connectionString, $"select count(*) from {schema}.mt_events where stream_id <> 'mt_tombstone'", ct))!;

    /// <summary>The highest global sequence number in the schema.</summary>
    public static async Task<long> LastSequenceAsync(string connectionString, string schema, CancellationToken ct) =>
        (long)(await ScalarAsync(connectionString, $"select coalesce(max(seq_id), 0) from {schema}.mt_events", ct))!;

    private static async Task<object?> ScalarAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(ct);
    }

    private static async Task WriteFillersAsync(string connectionString, string schema, int count, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $$"""
             insert into {{schema}}.mt_streams (id, tenant_id, version, is_archived)
             values ('mt_tombstone', '*DEFAULT*', 0, false) on conflict do nothing;
             insert into {{schema}}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, is_archived)
             select seq, gen_random_uuid(), 'mt_tombstone', seq, '{}', 'tombstone', now(), '*DEFAULT*',
                    'JasperFx.Events.Tombstone, JasperFx.Events', false
               from (select nextval('{{schema}}.mt_events_sequence') as seq from generate_series(1, @count)) taken;
             """,
            connection);
        command.Parameters.AddWithValue("count", count);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static JobAdded Added(int i) => new(
        IdOf(i),
        new JobDefinition(
            $"Job number {i}",
            $"{i % 60} {i % 24} * * *",
            "UTC",
            new WebhookTarget($"https://hooks.example.test/jobs/{i}", "POST", ImmutableSortedDictionary<string, string>.Empty, null, 30)),
        Enabled: true,
        By);
}
