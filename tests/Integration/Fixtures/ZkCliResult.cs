namespace JobLog.Integration.Fixtures;

/// <summary>
/// What a zkCli run printed. ZooKeeper 3.8's client prints data (get, ls, stat) on standard output but
/// confirmations and errors ("Created /x", "Node does not exist: /x") on standard error.
/// </summary>
public sealed record ZkCliResult(int ExitCode, string StandardOutput, string StandardError)
{
    private static readonly string[] BannerPrefixes =
    [
        "Connecting to ",
        "Welcome to ZooKeeper!",
        "JLine support is",
        "WATCHER::",
        "WatchedEvent state:SyncConnected type:None path:null",
        "WatchedEvent state:Closed type:None path:null",
    ];

    /// <summary>Standard output without the connection banner and blank lines: what the commands themselves printed.</summary>
    public IReadOnlyList<string> OutputLines =>
        StandardOutput.Split('\n')
            .Select(l => l.TrimEnd('\r'))
            .Where(l => l.Length > 0 && !BannerPrefixes.Any(p => l.StartsWith(p, StringComparison.Ordinal)))
            .ToArray();
}
