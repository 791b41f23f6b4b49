namespace JobLog.ZooKeeper.Errors;

/// <summary>No reply came before the request deadline; the outcome is unknown.</summary>
public sealed class OperationTimeoutException : ZooKeeperException
{
    public OperationTimeoutException(string? path, string? detail = null)
        : base(ErrorCode.OperationTimeout, path, detail)
    {
    }
}
