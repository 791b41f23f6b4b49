using System.Collections.Immutable;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using JasperFx.Events;
using JobLog.Integration.Fixtures;
using JobLog.Model;
using JobLog.Store;
using Marten;
using Npgsql;

namespace JobLog.Bench;

/// <summary>
/// How long a fresh node takes to be ready (<c>/readyz</c> 200: schema checked, every job loaded) on a store of many
/// jobs: once as a bulk load leaves it, once with Marten's filler rows among the events (what failed appends leave),
/// beside the same node on an empty schema. Starts are interleaved, so a busy machine slows all of them alike.
/// </summary>
public sealed class StartupBench : IBenchSuite
{
    private const int JobsPerBatch = 1_000;
    private const int FillersPerBatch = 333;
    private static readonly Provenance By = new("bench", "bench-loader", null);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    public string Name => "startup";

    public async Task<IReadOnlyList<BenchRow>> RunAsync(BenchOptions options, CancellationToken ct)
    {
        var jobs = options.Quick ? 10_000 : 100_000;
        await using var postgres = await LocalPostgres.StartAsync(durable: true, ct);
        var empty = new Store("startup_empty", 0, 0, 0);
        var plain = await LoadAsync(postgres.ConnectionString, "startup_jobs", jobs, fillersPerBatch: 0, ct);
        var filled = await LoadAsync(postgres.ConnectionString, "startup_fillers", jobs, FillersPerBatch, ct);
        Store[] stores = [empty, plain, filled];

        // The first start of each schema stamps its fingerprint and warms the machine's file cache: not measured.
        foreach (var store in stores)
            await StartAsync(postgres.ConnectionString, store, ct);
        var samples = stores.ToDictionary(s => s, _ => new List<Start>());
        for (var run = 0; run < options.Runs; run++)
        {
            foreach (var store in stores)
                samples[store].Add(await StartAsync(postgres.ConnectionString, store, ct));
            Console.Error.WriteLine(
                $"  startup run {run + 1}/{options.Runs}: " + string.Join(", ", stores.Select(s => $"{s.Schema} {samples[s][^1]}")));
        }

        double Ready(Store store) => Stats.Median(samples[store].Select(s => s.Ready.TotalMilliseconds).ToList());
        double Cpu(Store store) => Stats.Median(samples[store].Select(s => s.Cpu.TotalMilliseconds).ToList());
        const string Peer = "same node, empty schema";
        return
        [
            new BenchRow(Name, $"node ready (/readyz 200), {plain.Jobs:N0} jobs = {plain.Events:N0} events", "ms",
                Ready(plain), "≤ 5,000 ms", Peer, Ready(empty)),
            new BenchRow(Name, $"node ready, {filled.Jobs:N0} jobs = {filled.Events:N0} events among {filled.Fillers:N0} filler rows", "ms",
                Ready(filled), "≤ 5,000 ms", Peer, Ready(empty)),
            new BenchRow(Name, $"node CPU until ready, {plain.Jobs:N0} jobs", "ms", Cpu(plain), null, Peer, Cpu(empty)),
        ];
    }

    private static async Task<Start> StartAsync(string connectionString, Store store, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await using var node = await ApiServerProcess.StartAsync(connectionString, store.Schema, ct, Poll);
        var ready = clock.Elapsed;
        var cpu = node.ProcessorTime;
        using var http = new HttpClient { BaseAddress = node.BaseAddress };
        var health = await http.GetFromJsonAsync<JsonElement>("/readyz", ct);
        var loaded = health.GetProperty("jobs").GetInt32();
        if (loaded != store.Jobs)
            throw new InvalidOperationException($"The node on {store.Schema} was ready with {loaded} jobs, not {store.Jobs}.");
        return new Start(ready, cpu);
    }

    /// <summary>
    /// Bulk-inserts <paramref name="jobs"/> jobs (one JobAdded each) through Marten in batches, with
    /// <paramref name="fillersPerBatch"/> rows after each batch written exactly as Marten writes its tombstones.
    /// </summary>
    private static async Task<Store> LoadAsync(string connectionString, string schema, int jobs, int fillersPerBatch, CancellationToken ct)
    {
        using var documents = JobLogMarten.CreateDocumentStore(connectionString, schema);
        var fillers = 0;
        for (var first = 0; first < jobs; first += JobsPerBatch)
        {
            var streams = Enumerable.Range(first, Math.Min(JobsPerBatch, jobs - first))
                .Select(i => StreamAction.Start(documents.Events, JobIdOf(i).Value, Added(i)))
                .ToList();
            await documents.BulkInsertEventsAsync(streams, JobsPerBatch, ct);
            if (fillersPerBatch > 0)
            {
                await WriteFillersAsync(connectionString, schema, fillersPerBatch, ct);
                fillers += fillersPerBatch;
            }
        }
        return new Store(schema, jobs, fillers, await CountEventsAsync(connectionString, schema, ct));
    }

    private static async Task<long> CountEventsAsync(string connectionString, string schema, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"select count(*) from {schema}.mt_events where stream_id <> 'mt_tombstone'", connection);
        return (long)(await command.ExecuteScalarAsync(ct))!;
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

    private static JobId JobIdOf(int i) => JobId.Parse($"job-{i:D7}");

    private static JobAdded Added(int i) => new(
        JobIdOf(i),
        new JobDefinition(
            $"Job number {i}",
            $"{i % 60} {i % 24} * * *",
            "UTC",
            new WebhookTarget($"https://hooks.example.test/jobs/{i}", "POST", ImmutableSortedDictionary<string, string>.Empty, null, 30)),
        Enabled: true,
        By);

    private sealed record Store(string Schema, int Jobs, int Fillers, long Events);

    private readonly record struct Start(TimeSpan Ready, TimeSpan Cpu)
    {
        public override string ToString() => $"{Ready.TotalMilliseconds:0} ms (cpu {Cpu.TotalMilliseconds:0} ms)";
    }
}
