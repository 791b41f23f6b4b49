namespace JobLog.ZooKeeper.Errors;

/// <summary>Any result code that callers do not need to tell apart by type; see <see cref="ZooKeeperException.Code"/>.</summary>
public sealed class GenericZooKeeperException : ZooKeeperException
{
    public GenericZooKeeperException(ErrorCode code, string? path, string? detail = null)
        : base(code, path, detail)
    {
    }
}
