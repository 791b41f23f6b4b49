namespace JobLog.ZooKeeper.Errors;

/// <summary>The expected version did not match the znode's version.</summary>
public sealed class BadVersionException : ZooKeeperException
{
    public BadVersionException(string? path, string? detail = null)
        : base(ErrorCode.BadVersion, path, detail)
    {
    }
}
