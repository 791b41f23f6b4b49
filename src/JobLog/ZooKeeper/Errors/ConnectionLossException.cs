namespace JobLog.ZooKeeper.Errors;

/// <summary>The connection was lost while the request was in flight: its outcome is unknown.</summary>
public sealed class ConnectionLossException : ZooKeeperException
{
    public ConnectionLossException(string? path, string? detail = null)
        : base(ErrorCode.ConnectionLoss, path, detail)
    {
    }
}
