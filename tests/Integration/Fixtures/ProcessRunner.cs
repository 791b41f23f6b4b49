using System.Diagnostics;

namespace JobLog.Integration.Fixtures;

/// <summary>Runs a program to its end under a deadline and returns what it printed. Uses no xunit: the benchmark links this file.</summary>
public static class ProcessRunner
{
    /// <summary>
    /// Runs <paramref name="program"/> and waits for it to exit. With <paramref name="input"/> standard input is
    /// redirected, the lines are written and it is closed; without, the child inherits ours. At the deadline the
    /// process tree is killed and a <see cref="TimeoutException"/> names <paramref name="what"/> and carries the
    /// output so far; when <paramref name="ct"/> is cancelled the tree is killed too and the cancellation is rethrown.
    /// </summary>
    public static Task<(int ExitCode, string StandardOutput, string StandardError)> RunAsync(
        string program, IReadOnlyList<string> arguments, IReadOnlyList<string>? input, TimeSpan timeout, string what, CancellationToken ct)
    {
        var info = new ProcessStartInfo(program);
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        return RunAsync(info, input, timeout, what, ct);
    }

    /// <summary>As above, for a start that also sets the working directory or environment.</summary>
    public static async Task<(int ExitCode, string StandardOutput, string StandardError)> RunAsync(
        ProcessStartInfo info, IReadOnlyList<string>? input, TimeSpan timeout, string what, CancellationToken ct)
    {
        var program = info.FileName;
        info.UseShellExecute = false;
        info.RedirectStandardInput = input is not null;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {program}.");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        if (input is not null)
        {
            foreach (var line in input)
                await process.StandardInput.WriteLineAsync(line.AsMemory(), ct);
            process.StandardInput.Close();
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            if (ct.IsCancellationRequested)
                throw;
            throw new TimeoutException(
                $"{what} did not finish within {timeout}.{Environment.NewLine}" +
                $"stdout: {await stdout}{Environment.NewLine}stderr: {await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
