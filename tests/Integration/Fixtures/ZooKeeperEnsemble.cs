using System.Diagnostics;
using System.Globalization;

namespace JobLog.Integration.Fixtures;

/// <summary>A ZooKeeper ensemble of child java processes on loopback ports, sharing one parent directory.</summary>
public sealed class ZooKeeperEnsemble : IAsyncDisposable
{
    private readonly ZooKeeperServerOptions _options;
    private readonly string _directory;
    private bool _disposed;

    private ZooKeeperEnsemble(ZooKeeperServerOptions options, string directory, IReadOnlyList<ZooKeeperServer> servers)
    {
        _options = options;
        _directory = directory;
        Servers = servers;
    }

    public IReadOnlyList<ZooKeeperServer> Servers { get; }

    /// <summary>All client addresses, comma separated, in server order.</summary>
    public string ConnectionString => string.Join(',', Servers.Select(s => s.ConnectionString));

    public static Task<ZooKeeperEnsemble> StartAsync(CancellationToken ct) => StartAsync(3, null, ct);

    /// <summary>Starts <paramref name="size"/> servers and waits until every one serves as leader or follower.</summary>
    public static async Task<ZooKeeperEnsemble> StartAsync(int size, ZooKeeperServerOptions? options, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        options ??= new ZooKeeperServerOptions();
        var directory = ZooKeeperServer.NewWorkDirectory(options, "zk-ensemble");
        var ports = ZooKeeperServer.FreePorts(3 * size);
        // server.N=host:quorumPort:electionPort, identical in every member's zoo.cfg.
        var quorumLines = Enumerable.Range(0, size)
            .Select(i => string.Create(CultureInfo.InvariantCulture, $"server.{i + 1}=127.0.0.1:{ports[3 * i + 1]}:{ports[3 * i + 2]}"))
            .ToArray();
        var servers = Enumerable.Range(0, size)
            .Select(i => new ZooKeeperServer(options, Path.Combine(directory, $"server{i + 1}"), ports[3 * i], myId: i + 1, quorumLines))
            .ToArray();
        var ensemble = new ZooKeeperEnsemble(options, directory, servers);
        try
        {
            // No member serves before a quorum is up, so start them all before waiting for any.
            await Task.WhenAll(servers.Select(s => s.StartAsync(waitUntilServing: false, ct)));
            await ensemble.WaitForQuorumAsync(ct);
            return ensemble;
        }
        catch
        {
            await ensemble.DisposeAsync();
            throw;
        }
    }

    public Task StopAsync(int index, CancellationToken ct) => Servers[index].StopAsync(ct);

    /// <summary>
    /// Restarts one member. If running members then form a majority it waits until this one serves;
    /// otherwise only until it listens (call <see cref="WaitForQuorumAsync"/> after starting enough of them).
    /// </summary>
    public Task StartAsync(int index, CancellationToken ct)
    {
        var runningAfterStart = Servers.Count(s => s.IsRunning) + 1;
        return Servers[index].StartAsync(waitUntilServing: runningAfterStart > Servers.Count / 2, ct);
    }

    /// <summary>Waits until every running member reports Mode: leader or follower, and exactly one leader.</summary>
    public async Task WaitForQuorumAsync(CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        var answers = new Dictionary<int, string>();
        while (true)
        {
            answers.Clear();
            for (var i = 0; i < Servers.Count; i++)
            {
                if (!Servers[i].IsRunning)
                    continue;
                answers[i] = await SrvrOrErrorAsync(Servers[i], ct);
            }

            var leaders = answers.Values.Count(a => a.Contains("Mode: leader", StringComparison.Ordinal));
            if (answers.Count > Servers.Count / 2 && leaders == 1 && answers.Values.All(ZooKeeperServer.IsServing))
                return;

            if (deadline.Elapsed > _options.StartTimeout)
            {
                var detail = string.Join(
                    Environment.NewLine,
                    Servers.Select((s, i) =>
                        $"server {i} (port {s.Port}, running {s.IsRunning}): {(answers.TryGetValue(i, out var a) ? a.Trim() : "-")}{Environment.NewLine}" +
                        $"  log tail: {s.ReadLogTail(15)}"));
                throw new TimeoutException($"ZooKeeper ensemble had no serving quorum within {_options.StartTimeout}.{Environment.NewLine}{detail}");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }
    }

    /// <summary>Index of the member whose <c>cons</c> lists <paramref name="sessionId"/>, or null if none does.</summary>
    public async Task<int?> IndexServingSessionAsync(long sessionId, CancellationToken ct)
    {
        var marker = $"sid=0x{sessionId.ToString("x", CultureInfo.InvariantCulture)}";
        for (var i = 0; i < Servers.Count; i++)
        {
            if (!Servers[i].IsRunning)
                continue;
            var connections = await SrvrOrErrorAsync(Servers[i], "cons", ct);
            // cons prints "sid=0x...," or "sid=0x...)" after the id; match the whole id, not a prefix.
            if (connections.Contains(marker + ",", StringComparison.Ordinal) || connections.Contains(marker + ")", StringComparison.Ordinal))
                return i;
        }
        return null;
    }

    /// <summary>Index of the member that is currently leader, or null if none reports so.</summary>
    public async Task<int?> LeaderIndexAsync(CancellationToken ct)
    {
        for (var i = 0; i < Servers.Count; i++)
        {
            if (Servers[i].IsRunning && (await SrvrOrErrorAsync(Servers[i], ct)).Contains("Mode: leader", StringComparison.Ordinal))
                return i;
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        foreach (var server in Servers)
            await server.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static Task<string> SrvrOrErrorAsync(ZooKeeperServer server, CancellationToken ct) => SrvrOrErrorAsync(server, "srvr", ct);

    private static async Task<string> SrvrOrErrorAsync(ZooKeeperServer server, string word, CancellationToken ct)
    {
        try
        {
            return await server.FourLetterWordAsync(word, ct);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return $"({e.GetType().Name}: {e.Message})";
        }
    }
}
