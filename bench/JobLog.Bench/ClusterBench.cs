using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using JobLog.Cluster;
using JobLog.Integration.Fixtures;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;

namespace JobLog.Bench;

/// <summary>
/// The cluster as users run it: node processes on one PostgreSQL and one ZooKeeper, at 1,000 and at 100,000 jobs.
/// Propagation: a write acknowledged by node A until nodes B and C have applied it, read from the lines B and C print
/// as they apply (<c>JobLog:Diagnostics:TraceApplied</c>: the monotonic time of each apply), so nothing polls them. In
/// the same run, the same writes are timed to two baselines: a node without ZooKeeper that tails the store every
/// 500 ms, and the original design (a one-shot child watch, then list and read every job again on each change).
/// Also: the time a node needs to join with every job loaded, and the nodes' resident memory per job.
/// </summary>
public sealed class ClusterBench : IBenchSuite
{
    private const string Ours = "ZooKeeper watch";
    private const string PollPeer = "500 ms store poll";
    private const string RelistPeer = "original design (one-shot watch, re-list)";
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan ApplyDeadline = TimeSpan.FromSeconds(60);

    public string Name => "cluster";

    public async Task<IReadOnlyList<BenchRow>> RunAsync(BenchOptions options, CancellationToken ct)
    {
        var madeWorkDirectory = !Directory.Exists(options.WorkDirectory);
        Directory.CreateDirectory(options.WorkDirectory);
        try
        {
            return await MeasureAllAsync(options, ct);
        }
        finally
        {
            if (madeWorkDirectory && !Directory.EnumerateFileSystemEntries(options.WorkDirectory).Any())
                Directory.Delete(options.WorkDirectory);
        }
    }

    private async Task<IReadOnlyList<BenchRow>> MeasureAllAsync(BenchOptions options, CancellationToken ct)
    {
        int[] sizes = options.Quick ? [1_000, 10_000] : [1_000, 100_000];
        // The baselines are slow per write (a 500 ms poll; a pass over every job), so they get fewer writes than ours.
        var counts = options.Quick ? new Counts(Ours: 100, Poll: 10, Relist: 10) : new Counts(Ours: 400, Poll: 40, Relist: 20);
        // Durable like a deployment: ZooKeeper syncs every transaction to disk before it notifies anyone.
        await using var postgres = await LocalPostgres.StartAsync(durable: true, ct);
        await using var zooKeeper = await ZooKeeperServer.StartAsync(
            new ZooKeeperServerOptions { ParentDirectory = options.WorkDirectory, MaxHeapMegabytes = 1024 }, ct);

        var results = new List<SizeResult>();
        foreach (var jobs in sizes)
        {
            var coldStarts = jobs == sizes[^1] ? options.Runs : 0;
            results.Add(await MeasureSizeAsync(postgres.ConnectionString, zooKeeper.ConnectionString, jobs, counts, coldStarts, ct));
        }

        var rows = new List<BenchRow>();
        foreach (var result in results)
        {
            var label = $"propagation A→B,C, {result.Jobs:N0} jobs";
            foreach (var (percentile, target) in new[] { (0.50, "≤ 5 ms"), (0.99, "≤ 25 ms") })
            {
                var name = $"{label}, p{percentile * 100:0}";
                var ours = Stats.Percentile(result.Ours, percentile);
                rows.Add(new BenchRow(Name, name, "ms", ours, target, RelistPeer, Stats.Percentile(result.Relisted, percentile)));
                rows.Add(new BenchRow(Name, name, "ms", ours, target, PollPeer, Stats.Percentile(result.Polled, percentile)));
            }
        }
        var (small, large) = (results[0], results[^1]);
        var perJob = (large.MemberBytes - small.MemberBytes) / (large.Jobs - small.Jobs);
        var perJobAlone = (large.AloneBytes - small.AloneBytes) / (large.Jobs - small.Jobs);
        rows.Add(new BenchRow(Name, $"node memory per job (resident, {small.Jobs:N0} → {large.Jobs:N0} jobs)", "bytes", perJob,
            "≤ 2,048 bytes", "same node without ZooKeeper", perJobAlone));
        rows.Add(new BenchRow(Name, $"node joins with {large.Jobs:N0} jobs (start → /readyz 200)", "ms",
            Stats.Median(large.Joins), "≤ 5,000 ms", "same node without ZooKeeper", Stats.Median(large.AloneStarts)));
        return rows;
    }

    private static async Task<SizeResult> MeasureSizeAsync(
        string postgres, string zooKeeper, int jobs, Counts counts, int coldStarts, CancellationToken ct)
    {
        var schema = $"cluster_{jobs}";
        var root = $"/bench-{jobs}";
        var clock = Stopwatch.StartNew();
        await BulkJobs.LoadAsync(postgres, schema, jobs, fillersPerBatch: 0, ct);
        Console.Error.WriteLine($"  {jobs:N0} jobs loaded in {clock.Elapsed.TotalSeconds:0.0} s");

        var waits = new AppliedWaits();
        // A starts alone, so it leads: its relay mirrors the bulk-loaded jobs, which no write path ever saw.
        await using var a = await StartNodeAsync(postgres, schema, "bench-a", zooKeeper, root, null, ct);
        clock.Restart();
        await WaitMirroredAsync(zooKeeper, root, await BulkJobs.LastSequenceAsync(postgres, schema, ct), ct);
        Console.Error.WriteLine($"  the leader's relay mirrored {jobs:N0} jobs into ZooKeeper in {clock.Elapsed.TotalSeconds:0.0} s");
        await using var b = await StartNodeAsync(postgres, schema, "bench-b", zooKeeper, root, waits, ct);
        await using var c = await StartNodeAsync(postgres, schema, "bench-c", zooKeeper, root, waits, ct);
        await using var alone = await StartNodeAsync(postgres, schema, "bench-poll", null, null, waits, ct);
        using var writer = new ToggleWriter(a.BaseAddress, jobs);

        await MeasureAsync(writer, waits, ["bench-b", "bench-c"], 20, "warm-up", ct);
        var ours = await MeasureAsync(writer, waits, ["bench-b", "bench-c"], counts.Ours, Ours, ct);
        var memberBytes = (b.ResidentBytes + c.ResidentBytes) / 2.0;
        var aloneBytes = (double)alone.ResidentBytes;
        var polled = await MeasureAsync(writer, waits, ["bench-poll"], counts.Poll, PollPeer, ct);
        List<double> relisted;
        await using (var relisting = await RelistingObserver.StartAsync(zooKeeper, root, waits, "relisting", ct))
        {
            relisted = await MeasureAsync(writer, waits, ["relisting"], counts.Relist, RelistPeer, ct);
            Console.Error.WriteLine($"  the re-listing baseline made {relisting.Passes} passes over {jobs:N0} jobs");
        }
        await EnsureSameDigestAsync([a, b, c], ct);

        var joins = new List<double>();
        var aloneStarts = new List<double>();
        for (var run = 0; run < coldStarts; run++)
        {
            joins.Add(await TimeStartAsync(postgres, schema, $"bench-join-{run}", zooKeeper, root, ct));
            aloneStarts.Add(await TimeStartAsync(postgres, schema, $"bench-alone-{run}", null, null, ct));
            Console.Error.WriteLine($"  join {run + 1}/{coldStarts}: {joins[^1]:0} ms; without ZooKeeper {aloneStarts[^1]:0} ms");
        }
        return new SizeResult(jobs, ours, polled, relisted, memberBytes, aloneBytes, joins, aloneStarts);
    }

    /// <summary>
    /// Makes <paramref name="count"/> writes one after the other through the writer's node; for each, the time from its
    /// acknowledgement until the last of <paramref name="observers"/> applied it, in ms. An observer that applied it
    /// before the client read the answer counts as 0: nobody could read the old state there after the acknowledgement.
    /// </summary>
    private static async Task<List<double>> MeasureAsync(
        ToggleWriter writer, AppliedWaits waits, string[] observers, int count, string what, CancellationToken ct)
    {
        var latencies = new List<double>(count);
        var early = 0;
        for (var i = 0; i < count; i++)
        {
            var write = writer.Next();
            var applied = observers.Select(o => waits.Expect(o, write.Job, write.NewVersion)).ToArray();
            var acknowledged = await writer.SendAsync(write, ct);
            var last = (await Task.WhenAll(applied).WaitAsync(ApplyDeadline, ct)).Max();
            var elapsed = Stopwatch.GetElapsedTime(acknowledged, last).TotalMilliseconds;
            early += elapsed < 0 ? 1 : 0;
            latencies.Add(Math.Max(0, elapsed));
        }
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {what}: {count} writes, p50 {Stats.Percentile(latencies, 0.5):0.00} ms, p99 {Stats.Percentile(latencies, 0.99):0.00} ms, max {latencies.Max():0.00} ms, {early} applied before the acknowledgement"));
        return latencies;
    }

    private static async Task<ApiServerProcess> StartNodeAsync(
        string postgres, string schema, string nodeId, string? zooKeeper, string? root, AppliedWaits? waits, CancellationToken ct)
    {
        var environment = new Dictionary<string, string> { ["JOBLOG_NODE_ID"] = nodeId };
        if (zooKeeper is not null)
        {
            environment["JOBLOG_ZOOKEEPER"] = zooKeeper;
            environment["JobLog__ZooKeeper__Root"] = root!;
        }
        if (waits is not null)
            environment["JobLog__Diagnostics__TraceApplied"] = "true";
        return await ApiServerProcess.StartAsync(postgres, schema, ct, Poll, environment, waits?.ReaderFor(nodeId));
    }

    private static async Task<double> TimeStartAsync(string postgres, string schema, string nodeId, string? zooKeeper, string? root, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await using var node = await StartNodeAsync(postgres, schema, nodeId, zooKeeper, root, null, ct);
        return clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>Waits until the mirror znode says every event up to <paramref name="sequence"/> is mirrored.</summary>
    private static async Task WaitMirroredAsync(string zooKeeper, string root, long sequence, CancellationToken ct)
    {
        await using var client = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions(zooKeeper), ct);
        var paths = new ClusterPaths(root);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (MirrorPosition.Decode((await client.GetDataAsync(paths.Mirror, false, ct)).Data).Sequence >= sequence)
                    return;
            }
            catch (NoNodeException)
            {
                // The leader has not laid out the tree yet.
            }
            if (deadline.Elapsed > TimeSpan.FromMinutes(10))
                throw new TimeoutException($"The relay had not mirrored up to sequence {sequence} after 10 minutes.");
            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }
    }

    /// <summary>A benchmark of a cluster that disagrees measures nothing: every node's digest must be the same.</summary>
    private static async Task EnsureSameDigestAsync(IReadOnlyList<ApiServerProcess> nodes, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var digests = new List<string>();
            foreach (var node in nodes)
            {
                using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(60) }.Authorize();
                digests.Add((await http.GetFromJsonAsync<JsonElement>("/cluster", ct)).GetProperty("digest").GetString()!);
            }
            if (digests.Distinct().Count() == 1)
                return;
            // The last writes were timed to a baseline only: B and C may be a moment behind.
            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
                throw new InvalidOperationException($"The nodes disagree: digests {string.Join(", ", digests)}.");
            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }
    }

    private sealed record Counts(int Ours, int Poll, int Relist);

    private sealed record SizeResult(
        int Jobs,
        List<double> Ours,
        List<double> Polled,
        List<double> Relisted,
        double MemberBytes,
        double AloneBytes,
        List<double> Joins,
        List<double> AloneStarts);
}
