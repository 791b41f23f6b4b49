namespace JobLog.ZooKeeper.Errors;

/// <summary>The session moved to another server connection.</summary>
public sealed class SessionMovedException : ZooKeeperException
{
    public SessionMovedException(string? path, string? detail = null)
        : base(ErrorCode.SessionMoved, path, detail)
    {
    }
}
