namespace JobLog.ZooKeeper.Errors;

/// <summary>The session lacks the permission the ACL requires.</summary>
public sealed class NoAuthException : ZooKeeperException
{
    public NoAuthException(string? path, string? detail = null)
        : base(ErrorCode.NoAuth, path, detail)
    {
    }
}
