using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace JobLog.Bench;

/// <summary>
/// bench/QuartzPeer as a child process: one clustered Quartz.NET scheduler (<c>run</c>), or the one-shot loader of a
/// workload's jobs (<c>load</c>). A running peer holds our end of its standard input and stops when it closes, so no
/// peer outlives the bench, even one killed with SIGKILL.
/// </summary>
public sealed class QuartzPeerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan LoadDeadline = TimeSpan.FromMinutes(5);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private QuartzPeerProcess(Process process, string instanceId)
    {
        _process = process;
        InstanceId = instanceId;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string InstanceId { get; }

    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>Starts a cluster member and returns once its scheduler has started.</summary>
    public static async Task<QuartzPeerProcess> StartAsync(
        string connectionString, string instanceId, Uri receiver, QuartzPeerTuning tuning, CancellationToken ct)
    {
        var peer = new QuartzPeerProcess(Launch(
        [
            "run", "--connection", connectionString, "--instance", instanceId, "--receiver", receiver.ToString(),
            "--threads", tuning.Threads.ToString(CultureInfo.InvariantCulture),
            "--batch", tuning.BatchSize.ToString(CultureInfo.InvariantCulture),
        ]), instanceId);
        try
        {
            if (await Task.WhenAny(peer._started.Task, peer._process.WaitForExitAsync(ct)).WaitAsync(StartDeadline, ct) == peer._started.Task)
                return peer;
        }
        catch (TimeoutException)
        {
            // Reported below with what it printed.
        }
        await peer.DisposeAsync();
        throw new InvalidOperationException($"Quartz peer {instanceId} did not start within {StartDeadline.TotalSeconds:0} s: {peer.Output}");
    }

    /// <summary>Stores the workload's jobs through a scheduler that never starts; returns once they are stored.</summary>
    public static async Task LoadAsync(string connectionString, DispatchWorkload workload, CancellationToken ct)
    {
        await using var loader = new QuartzPeerProcess(Launch(
        [
            "load", "--connection", connectionString, "--instance", "loader",
            "--jobs", workload.Jobs.ToString(CultureInfo.InvariantCulture), "--kind", workload.Kind,
        ]), "loader");
        try
        {
            await loader._process.WaitForExitAsync(ct).WaitAsync(LoadDeadline, ct);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The Quartz loader had not stored {workload.Label} after {LoadDeadline.TotalMinutes:0} min: {loader.Output}");
        }
        if (loader._process.ExitCode != 0)
            throw new InvalidOperationException($"The Quartz loader exited with {loader._process.ExitCode}: {loader.Output}");
    }

    /// <summary>kill -9: the peer stops where it is, holding whatever triggers it had acquired.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
            _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // Closing its input asks it to shut down; one that does not in time is killed.
            _process.StandardInput.Close();
            try
            {
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
            }
            catch (TimeoutException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        _process.Dispose();
    }

    private static Process Launch(IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(SiblingBuild.Find(Path.Combine("bench", "QuartzPeer"), "QuartzPeer.dll"));
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        return Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
    }

    private void Keep(string? line)
    {
        if (line is null)
            return;
        if (line.StartsWith("started ", StringComparison.Ordinal))
            _started.TrySetResult();
        _output.Enqueue(line);
        while (_output.Count > 100)
            _output.TryDequeue(out _);
    }
}
