namespace JobLog.ZooKeeper.Errors;

/// <summary>The znode does not exist.</summary>
public sealed class NoNodeException : ZooKeeperException
{
    public NoNodeException(string? path, string? detail = null)
        : base(ErrorCode.NoNode, path, detail)
    {
    }
}
