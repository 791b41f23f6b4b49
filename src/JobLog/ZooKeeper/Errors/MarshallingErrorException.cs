namespace JobLog.ZooKeeper.Errors;

/// <summary>The server could not decode the request.</summary>
public sealed class MarshallingErrorException : ZooKeeperException
{
    public MarshallingErrorException(string? path, string? detail = null)
        : base(ErrorCode.MarshallingError, path, detail)
    {
    }
}
