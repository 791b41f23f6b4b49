using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace JobLog.Integration.Fixtures;

/// <summary>
/// A ZooKeeper 3.8 server run as a child java process on a loopback port, in its own directory.
/// Standalone via <see cref="StartAsync(ZooKeeperServerOptions?, CancellationToken)"/>; ensemble members are made by <c>ZooKeeperEnsemble</c>.
/// </summary>
/// <remarks>Free of xunit so the benchmark project can compile this file by link.</remarks>
public sealed class ZooKeeperServer : IAsyncDisposable
{
    public const string JarPath = "/usr/share/java/zookeeper.jar";

    // The jar's manifest names its dependencies but no slf4j binding; log4j 1.2 is the one the Debian package configures.
    private static readonly string[] LoggingJars = ["/usr/share/java/slf4j-log4j12.jar", "/usr/share/java/log4j-1.2.jar"];

    // The java process runs under a shell that holds our stdin pipe: when this process closes it or dies
    // (even by SIGKILL), the read sees end-of-file and the shell kills java, so no server outlives its test run.
    private const string WatchdogScript =
        """
        log="$1"; shift
        exec 3<&0 2>>"$log"
        "$@" >>"$log" 2>&1 3<&- &
        child=$!
        ( read -r _ <&3; kill -9 "$child" 2>/dev/null ) &
        watcher=$!
        exec 3<&-
        wait "$child"
        status=$?
        kill "$watcher" 2>/dev/null
        exit "$status"
        """;

    private static readonly ConcurrentDictionary<Process, byte> Live = new();

    private readonly ZooKeeperServerOptions _options;
    private readonly int? _myId;
    private readonly IReadOnlyList<string> _quorumLines;
    private Process? _process;
    private bool _disposed;

    static ZooKeeperServer() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAllLive();

    internal ZooKeeperServer(ZooKeeperServerOptions options, string workDirectory, int port, int? myId, IReadOnlyList<string> quorumLines)
    {
        EnsureInstalled();
        _options = options;
        _myId = myId;
        _quorumLines = quorumLines;
        WorkDirectory = workDirectory;
        Port = port;
        Directory.CreateDirectory(DataDirectory);
        WriteConfiguration();
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Holds zoo.cfg, log4j.properties, server.log and data/.</summary>
    public string WorkDirectory { get; }

    public string DataDirectory => Path.Combine(WorkDirectory, "data");

    public string LogPath => Path.Combine(WorkDirectory, "server.log");

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts a standalone server on a free loopback port in a fresh directory and waits until it serves.</summary>
    public static async Task<ZooKeeperServer> StartAsync(ZooKeeperServerOptions? options, CancellationToken ct)
    {
        options ??= new ZooKeeperServerOptions();
        var server = new ZooKeeperServer(options, NewWorkDirectory(options, "zk"), FreePorts(1)[0], myId: null, quorumLines: []);
        try
        {
            await server.StartAsync(ct);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>(Re)starts the server on the same port and data directory; waits until it serves requests.</summary>
    public Task StartAsync(CancellationToken ct) => StartAsync(waitUntilServing: true, ct);

    /// <summary>Kills the server (SIGKILL, like a crash), then waits for the process to end and the port to refuse connections.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        if (_process is not { } process)
            return;
        _process = null;
        try
        {
            await StopProcessAsync(process, ct);
        }
        finally
        {
            Live.TryRemove(process, out _);
            process.Dispose();
        }

        var deadline = Stopwatch.StartNew();
        while (await AcceptsConnectionsAsync(Port, ct))
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(10))
                throw new TimeoutException($"Port {Port} still accepts connections 10 s after ZooKeeper was killed.");
            await Task.Delay(TimeSpan.FromMilliseconds(50), ct);
        }
    }

    /// <summary>
    /// Kills the server, deletes its data directory and starts it again on the same port: ZooKeeper rebuilt from nothing,
    /// every znode and session gone and zxids counted from the start again, while its clients still know the old ones.
    /// </summary>
    public async Task WipeAndRestartAsync(CancellationToken ct)
    {
        await StopAsync(ct);
        TryDeleteDirectory(DataDirectory);
        Directory.CreateDirectory(DataDirectory);
        WriteConfiguration();
        await StartAsync(ct);
    }

    /// <summary>Sends a four-letter word (srvr, mntr, cons, ...) over a raw TCP connection and returns the whole answer.</summary>
    public Task<string> FourLetterWordAsync(string word, CancellationToken ct) =>
        FourLetterWordAsync(Port, word, TimeSpan.FromSeconds(5), ct);

    public string ReadLogTail(int lines)
    {
        if (!File.Exists(LogPath))
            return "(no server log yet)";
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var tail = new Queue<string>(lines);
        while (reader.ReadLine() is { } line)
        {
            if (tail.Count == lines)
                tail.Dequeue();
            tail.Enqueue(line);
        }
        return string.Join(Environment.NewLine, tail);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        await StopAsync(CancellationToken.None);
        TryDeleteDirectory(WorkDirectory);
    }

    internal async Task StartAsync(bool waitUntilServing, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (IsRunning)
            throw new InvalidOperationException($"ZooKeeper on port {Port} is already running.");

        var mainClass = _myId is null
            ? "org.apache.zookeeper.server.ZooKeeperServerMain"
            : "org.apache.zookeeper.server.quorum.QuorumPeerMain";
        string[] java =
        [
            "java",
            $"-Xmx{_options.MaxHeapMegabytes.ToString(CultureInfo.InvariantCulture)}m",
            "-XX:+UseSerialGC",
            "-Djava.net.preferIPv4Stack=true",
            "-Dzookeeper.admin.enableServer=false",
            "-cp", Classpath(WorkDirectory),
            mainClass,
            Path.Combine(WorkDirectory, "zoo.cfg"),
        ];
        _process = StartWatched(WorkDirectory, LogPath, java);

        var deadline = Stopwatch.StartNew();
        var lastAnswer = "(no answer)";
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (_process is not { } process)
                throw new InvalidOperationException($"ZooKeeper on port {Port} was stopped while starting.");
            if (process.HasExited)
            {
                var code = process.ExitCode;
                await StopAsync(ct);
                throw new InvalidOperationException(
                    $"ZooKeeper on port {Port} exited with code {code} while starting. Server log tail ({LogPath}):{Environment.NewLine}{ReadLogTail(40)}");
            }

            try
            {
                lastAnswer = await FourLetterWordAsync(Port, "srvr", TimeSpan.FromSeconds(2), ct);
                if (!waitUntilServing || IsServing(lastAnswer))
                    return;
            }
            catch (Exception e) when (e is SocketException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                lastAnswer = $"({e.GetType().Name}: {e.Message})";
            }

            if (deadline.Elapsed > _options.StartTimeout)
            {
                await StopAsync(CancellationToken.None);
                throw new TimeoutException(
                    $"ZooKeeper on port {Port} did not {(waitUntilServing ? "serve" : "listen")} within {_options.StartTimeout}. " +
                    $"Last srvr answer: {lastAnswer.Trim()}{Environment.NewLine}Server log tail ({LogPath}):{Environment.NewLine}{ReadLogTail(40)}");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }
    }

    internal static bool IsServing(string srvrAnswer) =>
        srvrAnswer.Contains("Mode: standalone", StringComparison.Ordinal)
        || srvrAnswer.Contains("Mode: leader", StringComparison.Ordinal)
        || srvrAnswer.Contains("Mode: follower", StringComparison.Ordinal)
        || srvrAnswer.Contains("Mode: observer", StringComparison.Ordinal);

    internal static void EnsureInstalled()
    {
        if (!File.Exists(JarPath))
            throw new InvalidOperationException(
                $"ZooKeeper is not installed ({JarPath} is missing). Run `./joblog test`, which installs the Debian package, " +
                "or `apt-get update && apt-get install -y --no-install-recommends zookeeper`.");
    }

    /// <summary>Class path for ZooKeeper's server or client classes with log4j configured from <paramref name="configDirectory"/>'s log4j.properties.</summary>
    internal static string Classpath(string? configDirectory)
    {
        EnsureInstalled();
        IEnumerable<string> parts = [JarPath, .. LoggingJars];
        return string.Join(':', configDirectory is null ? parts : parts.Prepend(configDirectory));
    }

    internal static string NewWorkDirectory(ZooKeeperServerOptions options, string prefix)
    {
        var parent = options.ParentDirectory ?? Path.GetTempPath();
        var directory = Path.Combine(parent, $"joblog-{prefix}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..12]}");
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>Distinct free loopback ports, all held open together while chosen so none repeats.</summary>
    internal static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            foreach (var listener in listeners)
                listener.Start();
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners)
                listener.Stop();
        }
    }

    internal static async Task<string> FourLetterWordAsync(int port, string word, TimeSpan timeout, CancellationToken ct)
    {
        if (word.Length != 4)
            throw new ArgumentException("A four-letter word has four letters.", nameof(word));
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutSource.CancelAfter(timeout);
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(IPAddress.Loopback, port, timeoutSource.Token);
        await using var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(word), timeoutSource.Token);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync(timeoutSource.Token);
    }

    /// <summary>Starts <paramref name="command"/> under the stdin watchdog, its output appended to <paramref name="logPath"/>.</summary>
    internal static Process StartWatched(string workingDirectory, string logPath, IReadOnlyList<string> command)
    {
        var info = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in (string[])["-c", WatchdogScript, "joblog-watchdog", logPath, .. command])
            info.ArgumentList.Add(argument);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {command[0]}.");
        Live.TryAdd(process, 0);
        return process;
    }

    internal static async Task StopProcessAsync(Process process, CancellationToken ct)
    {
        try
        {
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The watchdog already exited, so the pipe has no reader.
        }

        using var grace = CancellationTokenSource.CreateLinkedTokenSource(ct);
        grace.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(ct);
        }
    }

    private static async Task<bool> AcceptsConnectionsAsync(int port, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        using var client = new TcpClient(AddressFamily.InterNetwork);
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return true;
        }
    }

    private static void KillAllLive()
    {
        foreach (var process in Live.Keys)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
        }
    }

    private static void TryDeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private void WriteConfiguration()
    {
        var settings = new Dictionary<string, string>
        {
            ["tickTime"] = ((int)_options.TickTime.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            ["dataDir"] = DataDirectory,
            ["clientPort"] = Port.ToString(CultureInfo.InvariantCulture),
            ["clientPortAddress"] = "127.0.0.1",
            ["admin.enableServer"] = "false",
            ["4lw.commands.whitelist"] = "*",
            // Enables TTL nodes (create -t). Safe here: it only requires server ids below 255.
            ["extendedTypesEnabled"] = "true",
        };
        if (_options.MinSessionTimeout is { } min)
            settings["minSessionTimeout"] = ((int)min.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        if (_options.MaxSessionTimeout is { } max)
            settings["maxSessionTimeout"] = ((int)max.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        if (_myId is not null)
        {
            // Followers get 10 and 5 ticks (5 s and 2.5 s at 500 ms) to sync: ample on loopback, short enough for tests.
            settings["initLimit"] = "10";
            settings["syncLimit"] = "5";
            File.WriteAllText(Path.Combine(DataDirectory, "myid"), _myId.Value.ToString(CultureInfo.InvariantCulture));
        }
        foreach (var (key, value) in _options.ExtraSettings ?? new Dictionary<string, string>())
            settings[key] = value;

        var lines = settings.Select(s => $"{s.Key}={s.Value}").Concat(_quorumLines);
        File.WriteAllLines(Path.Combine(WorkDirectory, "zoo.cfg"), lines);
        File.WriteAllText(
            Path.Combine(WorkDirectory, "log4j.properties"),
            """
            log4j.rootLogger=INFO, CONSOLE
            log4j.appender.CONSOLE=org.apache.log4j.ConsoleAppender
            log4j.appender.CONSOLE.layout=org.apache.log4j.PatternLayout
            log4j.appender.CONSOLE.layout.ConversionPattern=%d{ISO8601} %-5p [%t:%C{1}@%L] - %m%n
            """);
    }
}
