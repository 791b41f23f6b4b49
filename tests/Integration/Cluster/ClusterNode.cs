using System.Globalization;
using System.Net.Http.Json;
using JobLog.Integration.Api;

namespace JobLog.Integration.Cluster;

/// <summary>One node of a <see cref="TestCluster"/>: the built API as its own process, which a test can kill (-9) and start again.</summary>
public sealed class ClusterNode : IAsyncDisposable
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(90);

    private readonly IReadOnlyDictionary<string, string> _environment;
    private ApiProcess? _process;
    private string _lastOutput = "";
    private string _earlierLogs = "";

    internal ClusterNode(string id, int port, string sessionFile, IReadOnlyDictionary<string, string> environment)
    {
        Id = id;
        Port = port;
        SessionFile = sessionFile;
        _environment = environment;
        Http = Fixtures.TestKeys.Client(new Uri($"http://127.0.0.1:{port}"), timeout: TimeSpan.FromSeconds(15));
    }

    public string Id { get; }

    public int Port { get; }

    /// <summary>Where the node writes its ZooKeeper session's id and password (the test hook <c>JobLog:Testing:SessionFile</c>).</summary>
    public string SessionFile { get; }

    public HttpClient Http { get; }

    public bool IsRunning => _process is not null;

    /// <summary>Started by the test but ended since without being told to (a crash it was set up to make, say).</summary>
    public bool HasExited => _process?.HasExited ?? false;

    /// <summary>Starts the process and returns once it reports ready (store loaded, ZooKeeper connected).</summary>
    public async Task StartAsync()
    {
        if (_process is not null)
            throw new InvalidOperationException($"Node {Id} is running already.");
        File.Delete(SessionFile);
        _process = await ApiProcess.StartAsync(_environment, Port, Startup);
    }

    /// <summary>kill -9: the process ends at once, its ZooKeeper session lives on until the server expires it.</summary>
    public async Task KillAsync()
    {
        if (_process is not { } process)
            return;
        _process = null;
        await process.KillAsync();
        _lastOutput = process.Output;
        _earlierLogs += process.FullOutput + Environment.NewLine;
        await process.DisposeAsync();
    }

    /// <summary>SIGSTOP: the process stops where it is, believing whatever it believed (a leader stays one in its own eyes).</summary>
    public Task FreezeAsync() => (_process ?? throw new InvalidOperationException($"Node {Id} is not running.")).SignalAsync("STOP");

    /// <summary>SIGCONT: the stopped process goes on from where it stopped.</summary>
    public Task ThawAsync() => (_process ?? throw new InvalidOperationException($"Node {Id} is not running.")).SignalAsync("CONT");

    public async Task<ClusterStatus> StatusAsync() =>
        await Http.GetFromJsonAsync<ClusterStatus>("/cluster") ?? throw new InvalidOperationException($"Node {Id} answered /cluster with null.");

    /// <summary>The id and password of the session the node attached last, as its session file says.</summary>
    public async Task<(long Id, byte[] Password)> SessionAsync()
    {
        var lines = await File.ReadAllLinesAsync(SessionFile);
        return (long.Parse(lines[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture), Convert.FromBase64String(lines[1]));
    }

    /// <summary>The last lines the process printed (the running process's, else the killed one's).</summary>
    public string OutputTail(int lines)
    {
        var output = _process?.Output ?? _lastOutput;
        return string.Join(Environment.NewLine, output.Split(Environment.NewLine).TakeLast(lines));
    }

    /// <summary>Every line the node printed, through every start and kill so far.</summary>
    public string Logs() => _earlierLogs + (_process?.FullOutput ?? "");

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Http.Dispose();
        File.Delete(SessionFile);
        File.Delete(SessionFile + ".tmp");
    }
}
