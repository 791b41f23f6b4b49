using System.Diagnostics;

namespace JobLog.Integration.Fixtures;

/// <summary>Runs ZooKeeper's own command line client (org.apache.zookeeper.ZooKeeperMain, what zkCli.sh runs) against a server.</summary>
public static class ZkCli
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static Task<ZkCliResult> RunAsync(string connectionString, IReadOnlyList<string> commands, CancellationToken ct) =>
        RunAsync(connectionString, commands, DefaultTimeout, ct);

    /// <summary>
    /// One command goes on the command line, so the exit code says whether it worked (0 or 1).
    /// Several are fed on standard input, one per line, and the exit code is 0 whatever each did: check the output.
    /// Arguments with spaces: quote them inside the command text ("set /a \"two words\"") when several are given;
    /// a single command is split on spaces outside double quotes.
    /// </summary>
    public static async Task<ZkCliResult> RunAsync(string connectionString, IReadOnlyList<string> commands, TimeSpan timeout, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfZero(commands.Count);
        // zkCli.sh itself would log at INFO through /etc/zookeeper/conf; calling the class directly with the no-op
        // slf4j binding keeps standard output to what the commands print.
        var info = new ProcessStartInfo("java")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        string[] arguments =
        [
            "-Xmx128m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Djava.net.preferIPv4Stack=true",
            "-cp", $"{ZooKeeperServer.JarPath}:/usr/share/java/slf4j-nop.jar",
            "org.apache.zookeeper.ZooKeeperMain",
            "-server", connectionString,
        ];
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        if (commands.Count == 1)
        {
            foreach (var word in SplitCommand(commands[0]))
                info.ArgumentList.Add(word);
        }

        ZooKeeperServer.EnsureInstalled();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start java for zkCli.");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        if (commands.Count > 1)
        {
            foreach (var command in commands)
                await process.StandardInput.WriteLineAsync(command.AsMemory(), ct);
        }
        process.StandardInput.Close();

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
                $"zkCli against {connectionString} did not finish within {timeout}: {string.Join(" ; ", commands)}{Environment.NewLine}" +
                $"stdout: {await stdout}{Environment.NewLine}stderr: {await stderr}");
        }
        return new ZkCliResult(process.ExitCode, await stdout, await stderr);
    }

    private static IEnumerable<string> SplitCommand(string command)
    {
        var word = new System.Text.StringBuilder();
        var quoted = false;
        var any = false;
        foreach (var c in command)
        {
            if (c == '"')
            {
                quoted = !quoted;
                any = true;
            }
            else if (c == ' ' && !quoted)
            {
                if (any)
                    yield return word.ToString();
                word.Clear();
                any = false;
            }
            else
            {
                word.Append(c);
                any = true;
            }
        }
        if (any)
            yield return word.ToString();
    }
}
