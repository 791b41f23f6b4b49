using System.Globalization;

namespace JobLog.Bench;

/// <summary>
/// Everything the dispatch bench sets on a JobLog node, in one place (names as in the dispatch design: section
/// <c>JobLog:Dispatch</c>), so a renamed setting is changed here only.
/// </summary>
public static class JobLogDispatchSettings
{
    /// <summary>The ZooKeeper session timeout the nodes run with; the failover target is this plus one second.</summary>
    public static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Extra node settings for an experiment, as <c>Name=Value</c> pairs separated by spaces (e.g. <c>JobLog__Dispatch__MaxConcurrentCalls=128</c>).</summary>
    public const string ExtraVariable = "JOBLOG_BENCH_NODE_SETTINGS";

    public static IReadOnlyDictionary<string, string> For(string nodeId, string zooKeeper, string root)
    {
        var settings = Defaults(nodeId, zooKeeper, root);
        foreach (var pair in (Environment.GetEnvironmentVariable(ExtraVariable) ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
                throw new ArgumentException($"{ExtraVariable}: '{pair}' is not Name=Value.");
            settings[pair[..equals]] = pair[(equals + 1)..];
        }
        return settings;
    }

    private static Dictionary<string, string> Defaults(string nodeId, string zooKeeper, string root) => new()
    {
        ["JOBLOG_NODE_ID"] = nodeId,
        ["JOBLOG_ZOOKEEPER"] = zooKeeper,
        ["JobLog__ZooKeeper__Root"] = root,
        ["JobLog__ZooKeeper__SessionTimeout"] = SessionTimeout.ToString("c", CultureInfo.InvariantCulture),
        // Loopback is denied by default; the bench's receiver listens on 127.0.0.1.
        ["JobLog__Dispatch__Targets__Allow__0"] = "127.0.0.0/8",
    };
}
