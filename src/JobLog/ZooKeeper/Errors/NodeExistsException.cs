namespace JobLog.ZooKeeper.Errors;

/// <summary>A znode already exists at the path.</summary>
public sealed class NodeExistsException : ZooKeeperException
{
    public NodeExistsException(string? path, string? detail = null)
        : base(ErrorCode.NodeExists, path, detail)
    {
    }
}
