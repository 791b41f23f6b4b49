namespace JobLog.ZooKeeper.Errors;

/// <summary>The server refused the credentials (final for the session).</summary>
public sealed class AuthFailedException : ZooKeeperException
{
    public AuthFailedException(string? path, string? detail = null)
        : base(ErrorCode.AuthFailed, path, detail)
    {
    }
}
