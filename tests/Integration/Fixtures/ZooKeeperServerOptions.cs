namespace JobLog.Integration.Fixtures;

/// <summary>Settings for a ZooKeeper server started as a child java process.</summary>
public sealed record ZooKeeperServerOptions
{
    public TimeSpan TickTime { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Null keeps ZooKeeper's default of 2 × tickTime.</summary>
    public TimeSpan? MinSessionTimeout { get; init; }

    /// <summary>
    /// 60 s rather than ZooKeeper's default of 20 × tickTime (10 s here): a session that must outlive a server restart
    /// or a leader election needs more than 10 s on a loaded 2-core machine. Null keeps ZooKeeper's default.
    /// </summary>
    public TimeSpan? MaxSessionTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a start may take before it fails with the server log tail.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public int MaxHeapMegabytes { get; init; } = 256;

    /// <summary>Where the fresh server directory is made; null means the system temp directory.</summary>
    public string? ParentDirectory { get; init; }

    /// <summary>Additional zoo.cfg lines (key, value); they override the defaults written by the fixture.</summary>
    public IReadOnlyDictionary<string, string>? ExtraSettings { get; init; }
}
