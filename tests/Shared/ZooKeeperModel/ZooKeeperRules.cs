using System.Text;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;

namespace JobLog.Testing.ZooKeeperModel;

/// <summary>
/// What <see cref="ZooKeeperClient"/> checks on the caller's thread before it sends anything (ZooKeeper's path rules,
/// the request frame limit) and the server's naming rules, restated for the model so it uses only the client's public
/// surface. The path rules are those of the Java client's PathUtils.validatePath, which the real client follows.
/// </summary>
internal static class ZooKeeperRules
{
    /// <summary>jute.maxbuffer's default: the largest frame the server accepts, counted after the length prefix.</summary>
    public const int MaxRequestFrame = 0xFFFFF;

    /// <summary>A watched path must fit a setWatches2 frame alone (header, relativeZxid, five counts, its length).</summary>
    public const int MaxServerPathBytes = MaxRequestFrame - (8 + 8 + (5 * 4) + 4);

    private const int RequestHeader = 8;

    public static void ThrowIfBadPath(string? chroot, string path, bool sequential = false, string? context = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var problem = Problem(path, sequential);
        if (problem is null && PathBytes(chroot, path) - 4 > MaxServerPathBytes)
            problem = $"the path is over {MaxServerPathBytes:N0} bytes; ZooKeeper drops the connection on frames over jute.maxbuffer";
        if (problem is not null)
            throw new BadArgumentsException(path, context is null ? problem : $"{context}: {problem}");
    }

    public static void ThrowIfRoot(string path, string? context = null)
    {
        if (path == "/")
            throw new BadArgumentsException(path, context is null ? "the root cannot be deleted" : $"{context}: the root cannot be deleted");
    }

    /// <summary>Why ZooKeeper refuses <paramref name="path"/>, or null; a sequential path is checked with a digit appended.</summary>
    public static string? Problem(string path, bool sequential)
    {
        if (path.Length == 0)
            return "the path is empty";
        var checkedPath = sequential ? path + "1" : path;
        if (checkedPath[0] != '/')
            return "the path must start with '/'";
        if (checkedPath.Length == 1)
            return null;
        if (checkedPath[^1] == '/')
            return "the path must not end with '/'";

        for (var i = 1; i < checkedPath.Length; i++)
        {
            var c = checkedPath[i];
            var previous = checkedPath[i - 1];
            var endsName = i + 1 == checkedPath.Length || checkedPath[i + 1] == '/';
            if (c == '\0')
                return $"NUL character at index {i}";
            if (c == '/' && previous == '/')
                return $"empty node name at index {i}";
            if (c == '.')
            {
                var onlyDots = previous == '.' ? checkedPath[i - 2] == '/' : previous == '/';
                if (onlyDots && endsName)
                    return $"'.' and '..' are not node names (relative path at index {i})";
                continue;
            }

            if (c is (> '\u0000' and <= '\u001f') or (>= '\u007f' and <= '\u009f') or (>= '\ud800' and <= '\uf8ff') or >= '\ufff0')
                return $"character U+{(int)c:X4} at index {i} is not allowed in a path";
        }

        return null;
    }

    /// <summary>The path as the server sees it: the chroot prefixed, "/" standing for the chroot itself.</summary>
    public static string ToServer(string? chroot, string path) =>
        chroot is null ? path : path == "/" ? chroot : chroot + path;

    /// <summary>A server path as the client reports it; one outside the chroot is passed through as the real client does.</summary>
    public static string FromServer(string? chroot, string serverPath)
    {
        if (chroot is null)
            return serverPath;
        if (serverPath == chroot)
            return "/";
        return serverPath.Length > chroot.Length && serverPath[chroot.Length] == '/' && serverPath.StartsWith(chroot, StringComparison.Ordinal)
            ? serverPath[chroot.Length..]
            : serverPath;
    }

    public static string ParentOf(string serverPath)
    {
        var slash = serverPath.LastIndexOf('/');
        return slash <= 0 ? "/" : serverPath[..slash];
    }

    public static string NameOf(string serverPath) => serverPath[(serverPath.LastIndexOf('/') + 1)..];

    /// <summary>The sequential suffix: the parent's cversion as Java's <c>%010d</c> writes it.</summary>
    public static string SequenceSuffix(int parentCversion) =>
        parentCversion >= 0
            ? parentCversion.ToString("D10", System.Globalization.CultureInfo.InvariantCulture)
            : "-" + (-(long)parentCversion).ToString("D9", System.Globalization.CultureInfo.InvariantCulture);

    public static bool IsTtl(CreateMode mode) => mode is CreateMode.PersistentWithTtl or CreateMode.PersistentSequentialWithTtl;

    public static bool IsSequential(CreateMode mode) =>
        mode is CreateMode.PersistentSequential or CreateMode.EphemeralSequential or CreateMode.PersistentSequentialWithTtl;

    public static void ThrowIfBadMode(CreateMode mode, TimeSpan? ttl)
    {
        if (!Enum.IsDefined(mode))
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown create mode.");
        if (IsTtl(mode) && (ttl is null || ttl.Value <= TimeSpan.Zero))
            throw new ArgumentException($"Create mode {mode} needs a positive TTL.", nameof(ttl));
        if (!IsTtl(mode) && ttl is not null)
            throw new ArgumentException($"A TTL is only valid with a *WithTtl create mode, not {mode}.", nameof(ttl));
    }

    public static int PathBytes(string? chroot, string path) =>
        4 + (chroot is null ? Encoding.UTF8.GetByteCount(path)
            : path == "/" ? Encoding.UTF8.GetByteCount(chroot)
            : Encoding.UTF8.GetByteCount(chroot) + Encoding.UTF8.GetByteCount(path));

    public static long CreateBody(string? chroot, string path, int dataLength, IReadOnlyList<Acl> acls, bool ttl)
    {
        long aclBytes = 4;
        foreach (var acl in acls)
            aclBytes += 4 + 4 + Encoding.UTF8.GetByteCount(acl.Scheme) + 4 + Encoding.UTF8.GetByteCount(acl.Id);
        return PathBytes(chroot, path) + 4L + dataLength + aclBytes + 4 + (ttl ? 8 : 0);
    }

    public static long SetDataBody(string? chroot, string path, int dataLength) => PathBytes(chroot, path) + 4L + dataLength + 4;

    public static long MultiBody(string? chroot, IReadOnlyList<MultiOp> ops)
    {
        const int multiHeader = 9;
        long size = multiHeader;
        foreach (var op in ops)
        {
            size += multiHeader + op.Kind switch
            {
                MultiOpKind.Create => CreateBody(chroot, op.Path, op.Data.Length, op.Acl, op.Ttl is not null),
                MultiOpKind.SetData => SetDataBody(chroot, op.Path, op.Data.Length),
                _ => PathBytes(chroot, op.Path) + 4,
            };
        }

        return size;
    }

    public static long AuthBody(string scheme, int authLength) => 4 + 4 + Encoding.UTF8.GetByteCount(scheme) + 4L + authLength;

    public static void ThrowIfTooLarge(long body, string what, string parameter = "data")
    {
        var frame = RequestHeader + body;
        if (frame > MaxRequestFrame)
            throw new ArgumentException(
                $"The {what} request would be {frame:N0} bytes; ZooKeeper refuses frames over {MaxRequestFrame:N0} bytes (jute.maxbuffer), so it was not sent.",
                parameter);
    }

    /// <summary>The public exception the real client throws for a server result code.</summary>
    public static ZooKeeperException Error(ErrorCode code, string? path, string? detail = null) => code switch
    {
        ErrorCode.NoNode => new NoNodeException(path, detail),
        ErrorCode.NodeExists => new NodeExistsException(path, detail),
        ErrorCode.BadVersion => new BadVersionException(path, detail),
        ErrorCode.NotEmpty => new NotEmptyException(path, detail),
        ErrorCode.NoChildrenForEphemerals => new NoChildrenForEphemeralsException(path, detail),
        ErrorCode.SessionExpired => new SessionExpiredException(path, detail),
        ErrorCode.ConnectionLoss => new ConnectionLossException(path, detail),
        ErrorCode.OperationTimeout => new OperationTimeoutException(path, detail),
        ErrorCode.NoAuth => new NoAuthException(path, detail),
        ErrorCode.AuthFailed => new AuthFailedException(path, detail),
        ErrorCode.InvalidAcl => new InvalidAclException(path, detail),
        ErrorCode.MarshallingError => new MarshallingErrorException(path, detail),
        ErrorCode.BadArguments => new BadArgumentsException(path, detail),
        ErrorCode.NoWatcher => new NoWatcherException(path, detail),
        ErrorCode.SessionMoved => new SessionMovedException(path, detail),
        _ => new GenericZooKeeperException(code, path, detail),
    };
}
