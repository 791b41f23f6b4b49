using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using JobLog.Integration.Fixtures;

namespace JobLog.Bench;

/// <summary>
/// How long a fresh node takes to be ready (<c>/readyz</c> 200: schema checked, every job loaded) on a store of many
/// jobs: once as a bulk load leaves it, once with Marten's filler rows among the events (what failed appends leave),
/// beside the same node on an empty schema. Starts are interleaved, so a busy machine slows all of them alike.
/// </summary>
public sealed class StartupBench : IBenchSuite
{
    private const int FillersPerBatch = 333;
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

    private static async Task<Store> LoadAsync(string connectionString, string schema, int jobs, int fillersPerBatch, CancellationToken ct)
    {
        var fillers = await BulkJobs.LoadAsync(connectionString, schema, jobs, fillersPerBatch, ct);
        return new Store(schema, jobs, fillers, await BulkJobs.CountEventsAsync(connectionString, schema, ct));
    }

    private sealed record Store(string Schema, int Jobs, int Fillers, long Events);

    private readonly record struct Start(TimeSpan Ready, TimeSpan Cpu)
    {
        public override string ToString() => $"{Ready.TotalMilliseconds:0} ms (cpu {Cpu.TotalMilliseconds:0} ms)";
    }
}
