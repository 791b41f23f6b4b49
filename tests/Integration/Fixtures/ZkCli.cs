namespace JobLog.Integration.Fixtures;

/// <summary>Runs ZooKeeper's own command line client (org.apache.zookeeper.ZooKeeperMain, what zkCli.sh runs) against a server.</summary>
public static class ZkCli
{
    // A JVM start on a loaded 2-core machine can take many seconds; the deadline only catches a hung process.
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(90);

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
        List<string> arguments =
        [
            "-Xmx128m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Djava.net.preferIPv4Stack=true",
            "-cp", $"{ZooKeeperServer.JarPath}:/usr/share/java/slf4j-nop.jar",
            "org.apache.zookeeper.ZooKeeperMain",
            "-server", connectionString,
        ];
        if (commands.Count == 1)
            arguments.AddRange(SplitCommand(commands[0]));

        ZooKeeperServer.EnsureInstalled();
        // Standard input is closed at once when the command is on the command line, so zkCli never waits on it.
        var (exitCode, stdout, stderr) = await ProcessRunner.RunAsync(
            "java", arguments, commands.Count > 1 ? commands : [], timeout,
            $"zkCli against {connectionString} ({string.Join(" ; ", commands)})", ct);
        return new ZkCliResult(exitCode, stdout, stderr);
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
