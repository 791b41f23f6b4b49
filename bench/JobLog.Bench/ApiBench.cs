using System.Collections.Immutable;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using JobLog.Node;
using JobLog.Integration.Fixtures;
using JobLog.Model;
using JobLog.Store;
using Marten;

namespace JobLog.Bench;

/// <summary>
/// The HTTP API against a real, durable PostgreSQL: change throughput and latency through HTTP beside a raw
/// Marten append, history and replay of a long stream, and the memory a node's schedule takes per job.
/// </summary>
public sealed class ApiBench : IBenchSuite
{
    private const int JobsPerClient = 4;
    private static readonly Provenance By = new("bench", "bench-node", null);

    public string Name => "api";

    public async Task<IReadOnlyList<BenchRow>> RunAsync(BenchOptions options, CancellationToken ct)
    {
        var scheduleJobs = options.Quick ? 10_000 : 100_000;
        var streamLength = options.Quick ? 1_000 : 10_000;
        var duration = options.Quick ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(5);
        var rows = new List<BenchRow>();

        // First, while the heap holds nothing else of ours.
        rows.Add(MemoryPerJob(scheduleJobs));

        await using var postgres = await LocalPostgres.StartAsync(durable: true, ct);
        await using var server = await ApiServerProcess.StartAsync(postgres.ConnectionString, "bench", ct);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 })
        {
            BaseAddress = server.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        }.Authorize();
        using var apiDocuments = JobLogMarten.CreateDocumentStore(postgres.ConnectionString, "bench");
        using var peerDocuments = JobLogMarten.CreateDocumentStore(postgres.ConnectionString, "bench_peer");
        var apiStore = new MartenJobEventStore(apiDocuments);
        var peerStore = new MartenJobEventStore(peerDocuments);

        foreach (var clients in new[] { 1, 32 })
        {
            var lanes = await CreateLanesAsync(clients, id => CreateViaHttpAsync(http, id, ct));
            var peerLanes = await CreateLanesAsync(clients, async id =>
                await peerStore.AppendAsync(JobId.Parse(id), 0, Added(JobId.Parse(id)), ct));
            Func<Slot, Task<bool>> viaHttp = slot => ChangeViaHttpAsync(http, slot, ct);
            Func<Slot, Task<bool>> viaMarten = slot => ChangeViaStoreAsync(peerStore, slot, ct);

            await DriveAsync(lanes, TimeSpan.FromMilliseconds(500), viaHttp);
            await DriveAsync(peerLanes, TimeSpan.FromMilliseconds(500), viaMarten);
            var api = new List<Drive>();
            var peer = new List<Drive>();
            for (var run = 0; run < options.Runs; run++)
            {
                api.Add(await DriveAsync(lanes, duration, viaHttp));
                peer.Add(await DriveAsync(peerLanes, duration, viaMarten));
            }

            var label = clients == 1 ? "1 client" : $"{clients} clients";
            var writers = clients == 1 ? "1 writer" : $"{clients} writers";
            rows.Add(new BenchRow(Name, $"change via HTTP (pause/resume, If-Match), {label}", "changes/s",
                Median(api, d => d.PerSecond), clients == 32 ? "≥ 1,500 changes/s" : null,
                $"Marten append, {writers}", Median(peer, d => d.PerSecond)));
            rows.Add(new BenchRow(Name, $"change latency p50, {label}", "ms",
                Median(api, d => d.P50), null, $"Marten append p50, {writers}", Median(peer, d => d.P50)));
            rows.Add(new BenchRow(Name, $"change latency p99, {label}", "ms",
                Median(api, d => d.P99), null, $"Marten append p99, {writers}", Median(peer, d => d.P99)));
        }

        var longJob = await CreateLongJobAsync(http, apiDocuments, streamLength, ct);
        var middle = streamLength / 2;
        var samples = options.Quick ? 3 : 10;
        await TimeAsync(() => http.GetStringAsync($"/jobs/{longJob}/history", ct));
        var reads = new Dictionary<string, (List<double> Api, List<double> Peer)>();
        void Add(string key, double api, double peer)
        {
            if (!reads.TryGetValue(key, out var lists))
                reads[key] = lists = ([], []);
            lists.Api.Add(api);
            lists.Peer.Add(peer);
        }
        for (var run = 0; run < options.Runs; run++)
        {
            Add("history",
                await P50Async(samples, () => http.GetStringAsync($"/jobs/{longJob}/history", ct)),
                await P50Async(samples, () => apiStore.ReadStreamAsync(longJob, ct)));
            foreach (var version in new[] { middle, streamLength })
            {
                Add($"v{version}",
                    await P50Async(samples, () => http.GetStringAsync($"/jobs/{longJob}?version={version}", ct)),
                    await P50Async(samples, async () =>
                        JobEvolution.Replay(await ((IJobEventStore)apiStore).ReadStreamAsync(longJob, version, ct))));
            }
        }
        rows.Add(new BenchRow(Name, $"GET history of a {streamLength:N0}-event job, p50", "ms",
            Stats.Median(reads["history"].Api), null, "store read in-process, p50", Stats.Median(reads["history"].Peer)));
        foreach (var version in new[] { middle, streamLength })
        {
            rows.Add(new BenchRow(Name, $"GET ?version={version:N0} of a {streamLength:N0}-event job, p50", "ms",
                Stats.Median(reads[$"v{version}"].Api), "≤ 50 ms", "store read + fold in-process, p50",
                Stats.Median(reads[$"v{version}"].Peer)));
        }
        return rows;
    }

    private static BenchRow MemoryPerJob(int jobs)
    {
        var holder = new ScheduleHolder();
        var baseline = SettledHeap();
        Load(holder, jobs);
        var loaded = SettledHeap();
        var canonical = ScheduleSerializer.ToCanonicalJson(holder.Current).Length;
        GC.KeepAlive(holder);
        return new BenchRow("api", $"memory per job, {jobs:N0} jobs in a ScheduleHolder", "bytes/job",
            (loaded - baseline) / (double)jobs, null, "canonical JSON per job", canonical / (double)jobs);
    }

    // Out of line so the events it makes are unreachable once it returns: only what the schedule keeps is measured.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Load(ScheduleHolder holder, int jobs)
    {
        var at = DateTimeOffset.UtcNow;
        var events = new List<RecordedEvent>(jobs);
        for (var i = 0; i < jobs; i++)
        {
            var id = JobId.Parse($"job-{i:D7}");
            var definition = new JobDefinition(
                $"Job number {i}",
                $"{i % 60} {i % 24} * * *",
                "UTC",
                new WebhookTarget($"https://hooks.example.test/jobs/{i}", "POST",
                    ImmutableSortedDictionary<string, string>.Empty, null, 30));
            events.Add(new RecordedEvent(new JobAdded(id, definition, true, By with { Reason = null }), 1, i + 1, at));
        }
        holder.ApplyAll(events);
    }

    private static long SettledHeap()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static async Task<List<List<Slot>>> CreateLanesAsync(int clients, Func<string, Task> create)
    {
        var prefix = Guid.NewGuid().ToString("N")[..8];
        var lanes = new List<List<Slot>>();
        for (var c = 0; c < clients; c++)
        {
            var lane = new List<Slot>();
            for (var j = 0; j < JobsPerClient; j++)
            {
                var id = $"bench-{prefix}-{c}-{j}";
                await create(id);
                lane.Add(new Slot(id));
            }
            lanes.Add(lane);
        }
        return lanes;
    }

    private static async Task CreateViaHttpAsync(HttpClient http, string id, CancellationToken ct)
    {
        var response = await http.PostAsJsonAsync("/jobs", new
        {
            id,
            name = "bench job",
            cron = "0 3 * * *",
            target = new { url = "https://hooks.example.test/bench" },
        }, ct);
        if (response.StatusCode != HttpStatusCode.Created)
            throw new InvalidOperationException($"Creating {id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
    }

    private static async Task<bool> ChangeViaHttpAsync(HttpClient http, Slot slot, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/jobs/{slot.Id}/{(slot.Enabled ? "pause" : "resume")}");
        request.Headers.TryAddWithoutValidation("If-Match", $"\"{slot.Version}\"");
        using var response = await http.SendAsync(request, ct);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"{slot.Id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        return true;
    }

    private static async Task<bool> ChangeViaStoreAsync(MartenJobEventStore store, Slot slot, CancellationToken ct)
    {
        var job = JobId.Parse(slot.Id);
        IJobEvent change = slot.Enabled ? new JobPaused(job, By) : new JobResumed(job, By);
        return await store.AppendAsync(job, slot.Version, change, ct) is Appended
            ? true
            : throw new InvalidOperationException($"{slot.Id}: version conflict at {slot.Version}.");
    }

    /// <summary>Each client works through its own jobs round-robin until the time is up; returns rate and latencies.</summary>
    private static async Task<Drive> DriveAsync(List<List<Slot>> lanes, TimeSpan duration, Func<Slot, Task<bool>> change)
    {
        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(lanes.Select(lane => Task.Run(async () =>
        {
            var latencies = new List<double>();
            for (var i = 0; clock.Elapsed < duration; i++)
            {
                var slot = lane[i % lane.Count];
                var started = Stopwatch.GetTimestamp();
                await change(slot);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                slot.Version++;
                slot.Enabled = !slot.Enabled;
            }
            return latencies;
        })));
        var elapsed = clock.Elapsed.TotalSeconds;
        var all = results.SelectMany(l => l).ToList();
        return new Drive(all.Count / elapsed, Stats.Percentile(all, 0.5), Stats.Percentile(all, 0.99));
    }

    /// <summary>A job created through the API, then given <paramref name="length"/> events in bulk through Marten.</summary>
    private static async Task<JobId> CreateLongJobAsync(HttpClient http, DocumentStore documents, int length, CancellationToken ct)
    {
        var id = $"long-{Guid.NewGuid():N}"[..20];
        await CreateViaHttpAsync(http, id, ct);
        var job = JobId.Parse(id);
        var version = 1;
        while (version < length)
        {
            var batch = new List<object>();
            for (; version < length && batch.Count < 1_000; version++)
                batch.Add(version % 2 == 1 ? new JobPaused(job, By) : new JobResumed(job, By));
            await using var session = documents.LightweightSession();
            session.Events.Append(id, batch.ToArray());
            await session.SaveChangesAsync(ct);
        }
        return job;
    }

    private static async Task<double> P50Async(int samples, Func<Task> action)
    {
        var times = new List<double>();
        for (var i = 0; i < samples; i++)
            times.Add(await TimeAsync(action));
        return Stats.Median(times);
    }

    private static async Task<double> TimeAsync(Func<Task> action)
    {
        var started = Stopwatch.GetTimestamp();
        await action();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static double Median(List<Drive> drives, Func<Drive, double> value) => Stats.Median(drives.Select(value).ToList());

    private static JobAdded Added(JobId job) => new(job,
        new JobDefinition("bench job", "0 3 * * *", "UTC",
            new WebhookTarget("https://hooks.example.test/bench", "POST", ImmutableSortedDictionary<string, string>.Empty, null, 30)),
        true, By);

    private sealed class Slot(string id)
    {
        public string Id { get; } = id;

        public long Version { get; set; } = 1;

        public bool Enabled { get; set; } = true;
    }

    private readonly record struct Drive(double PerSecond, double P50, double P99);
}
