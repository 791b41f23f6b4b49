namespace JobLog.ZooKeeper.Errors;

/// <summary>The znode has children and cannot be deleted.</summary>
public sealed class NotEmptyException : ZooKeeperException
{
    public NotEmptyException(string? path, string? detail = null)
        : base(ErrorCode.NotEmpty, path, detail)
    {
    }
}
