namespace JobLog.ZooKeeper.Errors;

/// <summary>Ephemeral znodes cannot have children.</summary>
public sealed class NoChildrenForEphemeralsException : ZooKeeperException
{
    public NoChildrenForEphemeralsException(string? path, string? detail = null)
        : base(ErrorCode.NoChildrenForEphemerals, path, detail)
    {
    }
}
