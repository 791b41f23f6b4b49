namespace JobLog.ZooKeeper.Errors;

/// <summary>No matching watch was registered.</summary>
public sealed class NoWatcherException : ZooKeeperException
{
    public NoWatcherException(string? path, string? detail = null)
        : base(ErrorCode.NoWatcher, path, detail)
    {
    }
}
