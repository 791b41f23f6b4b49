using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace JobLog.Integration.Api;

/// <summary>The built JobLog.Api started as its own process, as an operator would run it.</summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentQueue<string> _everything = new();

    private ApiProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>Every line the process printed (its log), for tests that search the whole of it.</summary>
    public string FullOutput => string.Join(Environment.NewLine, _everything);

    /// <summary>True once the process ended by itself (or was killed from outside).</summary>
    public bool HasExited => _process.HasExited;

    public static async Task<ApiProcess> StartAsync(IReadOnlyDictionary<string, string> environment, int port, TimeSpan readyWithin)
    {
        var process = Process.Start(StartInfo(environment, $"http://127.0.0.1:{port}"))
                      ?? throw new InvalidOperationException("dotnet did not start.");
        var api = new ApiProcess(process, port);

        using var client = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            await Eventually(async () =>
            {
                if (process.HasExited)
                    throw new InvalidOperationException($"JobLog.Api exited with {process.ExitCode}: {api.Output}");
                try
                {
                    return (await client.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // Not listening yet, or too slow to answer on a loaded machine: ask again until the deadline.
                    return false;
                }
            }, readyWithin, "the API process reports ready");
        }
        catch
        {
            await api.DisposeAsync();
            throw;
        }
        return api;
    }

    /// <summary>Runs the API listening on <paramref name="urls"/> until it ends by itself; for a node that must refuse to start.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(
        IReadOnlyDictionary<string, string> environment, string urls, TimeSpan within)
    {
        var process = Process.Start(StartInfo(environment, urls)) ?? throw new InvalidOperationException("dotnet did not start.");
        await using var api = new ApiProcess(process, 0);
        using var deadline = new CancellationTokenSource(within);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"JobLog.Api on {urls} still runs after {within}: {api.Output}");
        }
        // The exit is seen before the last lines of output; waiting again without a timeout drains them.
        process.WaitForExit();
        return (process.ExitCode, api.Output);
    }

    private static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string> environment, string urls)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "JobLog.Api.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(urls);
        foreach (var (name, value) in Fixtures.TestKeys.Environment)
            start.Environment[name] = value;
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        return start;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Sends a signal by name (<c>STOP</c>, <c>CONT</c>) with kill(1): a stopped process keeps its sockets but runs nothing.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
            throw new InvalidOperationException($"kill -{signal} {_process.Id} exited with {kill.ExitCode}.");
    }

    /// <summary>Ends the process abruptly, as a crash would.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
            return;
        _output.Enqueue(line);
        _everything.Enqueue(line);
        while (_output.Count > 200)
            _output.TryDequeue(out _);
    }
}
