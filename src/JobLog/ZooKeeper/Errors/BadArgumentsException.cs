namespace JobLog.ZooKeeper.Errors;

/// <summary>The server refused the arguments (for instance a path without a leading slash).</summary>
public sealed class BadArgumentsException : ZooKeeperException
{
    public BadArgumentsException(string? path, string? detail = null)
        : base(ErrorCode.BadArguments, path, detail)
    {
    }
}
