using System.Diagnostics;
using JobLog.Integration.Fixtures;

namespace JobLog.Integration.Script;

/// <summary>
/// The repository's <c>joblog</c> script run as a user runs it, with its state in a throwaway directory so a developer's
/// own <c>.joblog</c> cluster is never touched. Stops whatever it started when disposed.
/// </summary>
public sealed class JoblogScript : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);

    public JoblogScript()
    {
        StateDirectory = Path.Combine(Path.GetTempPath(), $"joblog-script-{Guid.NewGuid():N}");
        // Not a 0700 temp directory: PostgreSQL runs as the postgres user and must reach its data directory inside.
        Directory.CreateDirectory(StateDirectory);
        WorkingDirectory = Directory.CreateDirectory(Path.Combine(StateDirectory, "elsewhere")).FullName;
    }

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public string StateDirectory { get; }

    /// <summary>Where the script is called from: not the repository, so nothing may depend on the caller's directory.</summary>
    public string WorkingDirectory { get; }

    public async Task<ScriptResult> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(RepositoryRoot, "joblog")) { WorkingDirectory = WorkingDirectory };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["JOBLOG_STATE_DIR"] = StateDirectory;
        foreach (var setting in (string[])["JOBLOG_PG_PORT", "JOBLOG_ZK_PORT", "JOBLOG_BASE_PORT", "JOBLOG_ZOOKEEPER"])
            start.Environment.Remove(setting);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        var (exitCode, output, error) = await ProcessRunner.RunAsync(
            start, null, CommandTimeout, $"./joblog {string.Join(' ', arguments)}", CancellationToken.None);
        return new ScriptResult(exitCode, output, error);
    }

    public string NodeLog(int node) => File.ReadAllText(Path.Combine(StateDirectory, "logs", $"node-{node}.log"));

    public async ValueTask DisposeAsync()
    {
        await RunAsync(new Dictionary<string, string>(), "down");
        Directory.Delete(StateDirectory, recursive: true);
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "joblog")) && File.Exists(Path.Combine(directory.FullName, "JobLog.sln")))
                return directory.FullName;
        }
        throw new InvalidOperationException($"No repository root with a joblog script above {AppContext.BaseDirectory}.");
    }
}
