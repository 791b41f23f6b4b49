namespace JobLog.ZooKeeper.Errors;

/// <summary>The session is expired (final); build a new client.</summary>
public sealed class SessionExpiredException : ZooKeeperException
{
    public SessionExpiredException(string? path, string? detail = null)
        : base(ErrorCode.SessionExpired, path, detail)
    {
    }
}
