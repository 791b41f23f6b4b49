using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace JobLog.Integration.Fixtures;

/// <summary>
/// A throwaway PostgreSQL server in a temporary directory on a free loopback port, stopped and removed on dispose.
/// Free of test-framework references so the benchmarks can link this file too.
/// </summary>
public sealed class LocalPostgres : IAsyncDisposable
{
    private const string ServiceUser = "postgres";
    private static readonly string[] BinaryDirectories = ["/usr/local/bin", "/usr/lib/postgresql/15/bin"];

    private readonly string _directory;
    private readonly string _settings;
    private bool _running;

    private LocalPostgres(string directory, int port, string settings)
    {
        _directory = directory;
        _settings = settings;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Maximum Pool Size=40;Timeout=5;Command Timeout=30";

    /// <param name="durable">False turns off fsync: fine for tests, wrong for throughput figures.</param>
    public static async Task<LocalPostgres> StartAsync(bool durable, CancellationToken cancellationToken)
    {
        var initdb = FindBinary("initdb");
        var pgCtl = FindBinary("pg_ctl");
        var directory = Path.Combine(Path.GetTempPath(), $"joblog-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        await RunAsync("chown", [ServiceUser, directory], asServiceUser: false, cancellationToken);
        var data = Path.Combine(directory, "data");
        await RunAsync(initdb, ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"], asServiceUser: true, cancellationToken);

        var port = FreeLoopbackPort();
        var settings = $"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c max_connections=300"
                       + (durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        var server = new LocalPostgres(directory, port, settings);
        await server.StartAsync(cancellationToken);
        return server;
    }

    /// <summary>Starts the server again on the same port and data after <see cref="StopAsync"/>; returns once it accepts connections.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await RunAsync(FindBinary("pg_ctl"),
            ["-D", Path.Combine(_directory, "data"), "-o", _settings, "-l", Path.Combine(_directory, "log"), "-w", "-t", "60", "start"],
            asServiceUser: true, cancellationToken);
        _running = true;
    }

    /// <summary>
    /// Stops the server the way a crash would (immediate mode: every connection is cut, open transactions are lost and
    /// recovery runs at the next start); returns once it has stopped.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!_running)
            return;
        await RunAsync(FindBinary("pg_ctl"), ["-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop"],
            asServiceUser: true, cancellationToken);
        _running = false;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync(CancellationToken.None);
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static string FindBinary(string name) =>
        BinaryDirectories.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException(
            $"PostgreSQL's {name} was not found in {string.Join(" or ", BinaryDirectories)}. " +
            "Run ./joblog test (it installs postgresql-15) or apt-get install postgresql-15.");

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // initdb and postgres refuse to run as root.
    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asServiceUser, CancellationToken cancellationToken)
    {
        var asRoot = Environment.UserName == "root";
        if (!asRoot && program == "chown")
            return;
        var start = new ProcessStartInfo(asServiceUser && asRoot ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asServiceUser && asRoot)
        {
            foreach (var argument in new[] { "-u", ServiceUser, "--", program })
                start.ArgumentList.Add(argument);
        }
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
            throw new InvalidOperationException(
                $"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await errors}{await output}");
    }
}
