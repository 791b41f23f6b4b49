using System.Diagnostics;
using System.Globalization;
using JobLog.Integration.Fixtures;
using JobLog.ZooKeeper.Client;

namespace JobLog.Bench;

/// <summary>
/// Our ZooKeeper client against the official Java client (bench/peer/ZkPeerBench.java) on one standalone server:
/// getData and setData with 1 and 64 requests outstanding, the same counts, payload and warm-up time on both sides.
/// </summary>
public sealed class ZooKeeperBench : IBenchSuite
{
    private const string PeerName = "java-zookeeper";
    private const int PayloadBytes = 128;
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromMinutes(10);

    private enum Operation
    {
        Get,
        Set,
    }

    public string Name => "zookeeper";

    public async Task<IReadOnlyList<BenchRow>> RunAsync(BenchOptions options, CancellationToken ct)
    {
        var peer = await CompilePeerAsync(ct);
        var madeWorkDirectory = !Directory.Exists(options.WorkDirectory);
        Directory.CreateDirectory(options.WorkDirectory);
        try
        {
            return await MeasureAllAsync(peer, options, ct);
        }
        finally
        {
            if (madeWorkDirectory && !Directory.EnumerateFileSystemEntries(options.WorkDirectory).Any())
                Directory.Delete(options.WorkDirectory);
        }
    }

    private static async Task<IReadOnlyList<BenchRow>> MeasureAllAsync(Peer peer, BenchOptions options, CancellationToken ct)
    {
        var serverOptions = new ZooKeeperServerOptions
        {
            ParentDirectory = options.WorkDirectory,
            // The clients are measured, not the disk this machine shares with others: no fsync per transaction.
            ExtraSettings = new Dictionary<string, string> { ["forceSync"] = "no" },
        };
        await using var server = await ZooKeeperServer.StartAsync(serverOptions, ct);

        var rows = new List<BenchRow>();
        foreach (var operation in (Operation[])[Operation.Get, Operation.Set])
        {
            foreach (var outstanding in (int[])[1, 64])
            {
                var workload = new Workload(
                    operation,
                    outstanding,
                    Count: (outstanding, options.Quick) switch
                    {
                        (1, true) => 1_000,
                        (1, false) => 10_000,
                        (_, true) => 5_000,
                        _ => 50_000,
                    },
                    Warmup: options.Quick ? TimeSpan.FromMilliseconds(500) : TimeSpan.FromSeconds(2));
                rows.AddRange(await MeasureCaseAsync(peer, server.ConnectionString, workload, options.Runs, ct));
            }
        }
        return rows;
    }

    private static async Task<IReadOnlyList<BenchRow>> MeasureCaseAsync(Peer peer, string connectionString, Workload workload, int runs, CancellationToken ct)
    {
        var label = $"{(workload.Operation == Operation.Get ? "getData" : "setData")} ×{workload.Outstanding}";
        var ours = new List<Sample>();
        var theirs = new List<Sample>();
        for (var run = 0; run < runs; run++)
        {
            // Alternating who goes first spreads drift in machine load evenly over both sides.
            if (run % 2 == 0)
            {
                ours.Add(await MeasureOursAsync(connectionString, workload, ct));
                theirs.Add(await MeasurePeerAsync(peer, connectionString, workload, ct));
            }
            else
            {
                theirs.Add(await MeasurePeerAsync(peer, connectionString, workload, ct));
                ours.Add(await MeasureOursAsync(connectionString, workload, ct));
            }
            Console.Error.WriteLine($"  {label} run {run + 1}/{runs}: ours {ours[^1]}, peer {theirs[^1]}");
        }

        return
        [
            Row($"{label} throughput", "ops/s", s => s.OpsPerSecond, workload.Outstanding == 64 ? "≥0.80× peer" : null),
            Row($"{label} p50", "µs", s => s.P50Microseconds, null),
            Row($"{label} p99", "µs", s => s.P99Microseconds, "p99 ≤1.5× peer"),
        ];

        BenchRow Row(string name, string unit, Func<Sample, double> value, string? target) =>
            new("zookeeper", name, unit, Stats.Median(ours.Select(value).ToList()), target, PeerName, Stats.Median(theirs.Select(value).ToList()));
    }

    private static async Task<Sample> MeasureOursAsync(string connectionString, Workload workload, CancellationToken ct)
    {
        var clientOptions = new ZooKeeperClientOptions(connectionString)
        {
            SessionTimeout = TimeSpan.FromSeconds(10),
            RequestTimeout = TimeSpan.FromSeconds(30),
        };
        await using var client = await ZooKeeperClient.ConnectAsync(clientOptions, ct);
        var payload = new byte[PayloadBytes];
        Array.Fill(payload, (byte)'x');
        var path = await client.CreateAsync($"/bench-ours-{Guid.NewGuid():N}", payload, CreateMode.Persistent, null, ct);

        var warmup = Stopwatch.StartNew();
        while (warmup.Elapsed < workload.Warmup)
            await IssueAsync(client, path, workload with { Count = 1_000 }, payload, ct);
        var started = Stopwatch.GetTimestamp();
        var latencies = await IssueAsync(client, path, workload, payload, ct);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        await client.DeleteAsync(path, -1, ct);
        return new Sample(workload.Count / seconds, Stats.Percentile(latencies, 0.50), Stats.Percentile(latencies, 0.99));
    }

    /// <summary>Keeps exactly <see cref="Workload.Outstanding"/> requests in flight until <see cref="Workload.Count"/> completed; latencies in µs.</summary>
    private static async Task<double[]> IssueAsync(ZooKeeperClient client, string path, Workload workload, byte[] payload, CancellationToken ct)
    {
        var (operation, outstanding, count, _) = workload;
        var latencies = new double[count];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Math.Min(outstanding, count)).Select(_ => Task.Run(Worker, ct)));
        return latencies;

        async Task Worker()
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < count)
            {
                var started = Stopwatch.GetTimestamp();
                if (operation == Operation.Get)
                    await client.GetDataAsync(path, false, ct);
                else
                    await client.SetDataAsync(path, payload, -1, ct);
                latencies[index] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            }
        }
    }

    private static async Task<Sample> MeasurePeerAsync(Peer peer, string connectionString, Workload workload, CancellationToken ct)
    {
        string[] arguments =
        [
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-cp", peer.Classpath,
            "ZkPeerBench",
            connectionString,
            workload.Operation == Operation.Get ? "get" : "set",
            workload.Outstanding.ToString(CultureInfo.InvariantCulture),
            workload.Count.ToString(CultureInfo.InvariantCulture),
            PayloadBytes.ToString(CultureInfo.InvariantCulture),
            ((long)workload.Warmup.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
        ];
        var (exitCode, stdout, stderr) = await ProcessRunner.RunAsync("java", arguments, null, PeerTimeout, "The Java peer", ct);
        var line = stdout.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("ops_per_sec=", StringComparison.Ordinal));
        if (exitCode != 0 || line is null)
            throw new InvalidOperationException($"The Java peer failed (exit code {exitCode}).{Environment.NewLine}stdout: {stdout}{Environment.NewLine}stderr: {stderr}");

        var values = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => double.Parse(pair[1], CultureInfo.InvariantCulture));
        return new Sample(values["ops_per_sec"], values["p50_us"], values["p99_us"]);
    }

    /// <summary>Compiles the peer into bench/peer/out unless the class there is newer than its source.</summary>
    private static async Task<Peer> CompilePeerAsync(CancellationToken ct)
    {
        ZooKeeperServer.EnsureInstalled();
        var peerDirectory = FindPeerDirectory();
        var source = Path.Combine(peerDirectory, "ZkPeerBench.java");
        var output = Path.Combine(peerDirectory, "out");
        var compiled = Path.Combine(output, "ZkPeerBench.class");
        if (!File.Exists(compiled) || File.GetLastWriteTimeUtc(compiled) < File.GetLastWriteTimeUtc(source))
        {
            string[] arguments =
            [
                // /usr/share/java holds jars with sources inside; without these javac would compile them into out/.
                "-proc:none",
                "-implicit:none",
                "-cp", $"{ZooKeeperServer.JarPath}:/usr/share/java/*",
                "-d", output,
                source,
            ];
            var (exitCode, stdout, stderr) = await ProcessRunner.RunAsync("javac", arguments, null, TimeSpan.FromMinutes(2), "javac", ct);
            if (exitCode != 0)
                throw new InvalidOperationException($"javac failed (exit code {exitCode}).{Environment.NewLine}{stdout}{stderr}");
        }
        // peerDirectory carries log4j.properties, which keeps the client's logging off stdout.
        return new Peer($"{output}:{ZooKeeperServer.Classpath(peerDirectory)}");
    }

    private static string FindPeerDirectory()
    {
        foreach (var start in (string[])[AppContext.BaseDirectory, Directory.GetCurrentDirectory()])
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "bench", "peer");
                if (File.Exists(Path.Combine(candidate, "ZkPeerBench.java")))
                    return candidate;
            }
        }
        throw new FileNotFoundException("bench/peer/ZkPeerBench.java not found above the bench binary or the current directory.");
    }

    private sealed record Peer(string Classpath);

    /// <param name="Warmup">Time spent issuing the same requests before measuring, in every run on both sides.</param>
    private sealed record Workload(Operation Operation, int Outstanding, int Count, TimeSpan Warmup);

    private readonly record struct Sample(double OpsPerSecond, double P50Microseconds, double P99Microseconds)
    {
        public override string ToString() =>
            string.Create(CultureInfo.InvariantCulture, $"{OpsPerSecond:0} ops/s p50 {P50Microseconds:0} µs p99 {P99Microseconds:0} µs");
    }
}
