namespace JobLog.ZooKeeper.Errors;

/// <summary>The ACL is invalid (for instance empty, or auth with no authenticated identity).</summary>
public sealed class InvalidAclException : ZooKeeperException
{
    public InvalidAclException(string? path, string? detail = null)
        : base(ErrorCode.InvalidAcl, path, detail)
    {
    }
}
