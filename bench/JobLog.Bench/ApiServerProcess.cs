using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace JobLog.Bench;

/// <summary>The built JobLog.Api as a child process on a free loopback port, killed on dispose.</summary>
public sealed class ApiServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private readonly Func<string, bool>? _consume;
    private readonly StreamWriter? _log;

    private ApiServerProcess(Process process, Uri baseAddress, Func<string, bool>? consume, StreamWriter? log)
    {
        _process = process;
        _consume = consume;
        _log = log;
        BaseAddress = baseAddress;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    /// <summary>Starts the node and returns once <c>/readyz</c> answers 200, asking every <paramref name="poll"/> (default 100 ms).</summary>
    /// <param name="environment">Settings beside the store's, e.g. a ZooKeeper connection string.</param>
    /// <param name="consume">Sees every line the node prints, as it comes; a line it returns true for is not kept in <see cref="Output"/>.</param>
    public static async Task<ApiServerProcess> StartAsync(
        string connectionString,
        string schema,
        CancellationToken ct,
        TimeSpan? poll = null,
        IReadOnlyDictionary<string, string>? environment = null,
        Func<string, bool>? consume = null)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(FindApiDll());
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["JOBLOG_POSTGRES"] = connectionString;
        start.Environment["JOBLOG_NODE_ID"] = "bench-node";
        start.Environment["JobLog__Schema"] = schema;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in BenchKey.Environment)
            start.Environment[name] = value;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        var logDirectory = Environment.GetEnvironmentVariable(NodeLogsVariable);
        if (!string.IsNullOrEmpty(logDirectory))
        {
            // To see what a node did during a run: its own information lines, timestamped, each node in a file.
            start.Environment["Logging__LogLevel__JobLog"] = "Information";
            start.Environment["Logging__Console__FormatterName"] = "simple";
            start.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
            start.Environment["Logging__Console__FormatterOptions__UseUtcTimestamp"] = "true";
            start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var log = string.IsNullOrEmpty(logDirectory) ? null : OpenLog(logDirectory, start.Environment["JOBLOG_NODE_ID"], process.Id);
        var server = new ApiServerProcess(process, new Uri($"http://127.0.0.1:{port}"), consume, log);

        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"JobLog.Api exited with {process.ExitCode}: {server.Output}");
            try
            {
                if ((await client.GetAsync("/readyz", ct)).StatusCode == HttpStatusCode.OK)
                    return server;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // The node took longer than the client's timeout to answer (a loaded machine): ask again.
            }
            if (clock.Elapsed > TimeSpan.FromSeconds(90))
            {
                await server.DisposeAsync();
                throw new TimeoutException($"JobLog.Api not ready after 90 s: {server.Output}");
            }
            await Task.Delay(poll ?? TimeSpan.FromMilliseconds(100), ct);
        }
    }

    /// <summary>When set to a directory, every node writes its log lines (JobLog's at Information) to a file there.</summary>
    public const string NodeLogsVariable = "JOBLOG_BENCH_NODE_LOGS";

    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>The processor time the node has used so far, on all its threads.</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>The node's resident memory now (VmRSS), in bytes.</summary>
    public long ResidentBytes
    {
        get
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
            throw new InvalidOperationException($"No VmRSS in /proc/{_process.Id}/status.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        if (_log is not null)
            await _log.DisposeAsync();
    }

    private static string FindApiDll() => SiblingBuild.Find(Path.Combine("src", "JobLog.Api"), "JobLog.Api.dll");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static StreamWriter OpenLog(string directory, string? nodeId, int processId)
    {
        Directory.CreateDirectory(directory);
        return new StreamWriter(Path.Combine(directory, $"{nodeId ?? "node"}-{processId}.log")) { AutoFlush = true };
    }

    private void Keep(string? line)
    {
        if (line is null)
            return;
        if (_log is not null)
        {
            lock (_log)
                _log.WriteLine(line);
        }
        if (_consume?.Invoke(line) == true)
            return;
        _output.Enqueue(line);
        while (_output.Count > 100)
            _output.TryDequeue(out _);
    }
}
