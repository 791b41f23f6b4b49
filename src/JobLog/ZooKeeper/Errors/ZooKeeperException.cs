namespace JobLog.ZooKeeper.Errors;

/// <summary>A failed ZooKeeper operation: the result <see cref="Code"/> and the <see cref="Path"/> it concerned, if any.</summary>
public abstract class ZooKeeperException : Exception
{
    protected ZooKeeperException(ErrorCode code, string? path, string? detail = null, Exception? inner = null)
        : base(Describe(code, path, detail), inner)
    {
        Code = code;
        Path = path;
    }

    public ErrorCode Code { get; }

    public string? Path { get; }

    internal static ZooKeeperException Create(ErrorCode code, string? path, string? detail = null) => code switch
    {
        ErrorCode.NoNode => new NoNodeException(path),
        ErrorCode.NodeExists => new NodeExistsException(path),
        ErrorCode.BadVersion => new BadVersionException(path),
        ErrorCode.NotEmpty => new NotEmptyException(path),
        ErrorCode.NoChildrenForEphemerals => new NoChildrenForEphemeralsException(path),
        ErrorCode.SessionExpired => new SessionExpiredException(path, detail),
        ErrorCode.ConnectionLoss => new ConnectionLossException(path, detail),
        ErrorCode.OperationTimeout => new OperationTimeoutException(path, detail),
        ErrorCode.NoAuth => new NoAuthException(path),
        ErrorCode.AuthFailed => new AuthFailedException(path, detail),
        ErrorCode.InvalidAcl => new InvalidAclException(path),
        ErrorCode.MarshallingError => new MarshallingErrorException(path),
        ErrorCode.BadArguments => new BadArgumentsException(path, detail),
        ErrorCode.NoWatcher => new NoWatcherException(path),
        ErrorCode.SessionMoved => new SessionMovedException(path),
        _ => new GenericZooKeeperException(code, path, detail),
    };

    private static string Describe(ErrorCode code, string? path, string? detail)
    {
        var text = path is null ? $"ZooKeeper error {code} ({(int)code})" : $"ZooKeeper error {code} ({(int)code}) for {Shorten(path)}";
        return detail is null ? text : $"{text}: {detail}";
    }

    // A refused path can be a megabyte long; the message shows its start, Path keeps all of it.
    private static string Shorten(string path) => path.Length <= 200 ? path : $"{path[..200]}… ({path.Length:N0} characters)";
}
