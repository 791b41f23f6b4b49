using JobLog.ZooKeeper.Errors;

namespace JobLog.ZooKeeper.Protocol;

/// <summary>
/// Checks every znode path on the caller's thread before anything is queued, so a path the server would refuse, or
/// worse accept as a different node (a read or an exists-watch on <c>/a//x</c> answers NoNode and arms a watch that
/// can never fire for <c>/a/x</c>), never leaves the client.
/// </summary>
/// <remarks>
/// The rules are those of the Java client's <c>PathUtils.validatePath</c> (apache/zookeeper,
/// zookeeper-server/src/main/java/org/apache/zookeeper/common/PathUtils.java), which the server applies to writes:
/// non-empty, starts with '/', no trailing '/' except the root, no empty node name, no "." or ".." node name, no NUL,
/// none of U+0001–U+001F, U+007F–U+009F, U+D800–U+F8FF (so no surrogate, hence nothing outside the BMP) or U+FFF0–U+FFFF;
/// a sequential create is checked as the path with a digit appended, so it may end in '/'. Where ours differ:
/// <list type="bullet">
/// <item>The path with the chroot must fit a request frame alone (<see cref="MaxServerPathBytes"/>); the Java client
/// sends it and the server drops the connection, failing every request in flight.</item>
/// <item>Deleting "/" is refused here, also inside a multi. The Java client sends a plain "/" for a single delete even
/// under a chroot, so it fails on the server, but prefixes the chroot inside a multi, which deletes the chroot node.</item>
/// <item>A bad path in a multi throws naming the operation; the Java client reports BadArguments in the op results.</item>
/// </list>
/// </remarks>
internal static class PathValidation
{
    /// <summary>
    /// Longest server path, chroot included, in UTF-8 bytes: a path the client holds a watch on must fit, alone, in a
    /// setWatches2 frame (request header, relativeZxid, five list counts and its length prefix) within jute.maxbuffer.
    /// </summary>
    public const int MaxServerPathBytes = OpCode.MaxRequestFrame - (8 + 8 + (5 * 4) + 4);

    /// <summary>Throws <see cref="BadArgumentsException"/> naming the path and the rule it breaks.</summary>
    /// <param name="context">Where the path came from, for the message (e.g. "operation 2 (Delete) of the multi").</param>
    public static void ThrowIfInvalid(string? chroot, string path, bool sequential = false, string? context = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var problem = Problem(path, sequential);
        // UTF-8 takes at most 3 bytes per UTF-16 unit, so ordinary paths skip counting their bytes on every call.
        if (problem is null && 3L * (path.Length + (chroot?.Length ?? 0)) > MaxServerPathBytes)
        {
            var bytes = RequestSize.Path(chroot, path) - 4;
            if (bytes > MaxServerPathBytes)
            {
                problem = $"the path is {bytes:N0} bytes{(chroot is null ? "" : " with the chroot")}; ZooKeeper drops the connection " +
                    $"on frames over jute.maxbuffer, so at most {MaxServerPathBytes:N0} bytes are sent";
            }
        }

        if (problem is not null)
            throw new BadArgumentsException(path, context is null ? problem : $"{context}: {problem}");
    }

    /// <summary>Deleting the root never succeeds; under a chroot it would delete the chroot node, so it is refused here.</summary>
    public static void ThrowIfRoot(string path, string? context = null)
    {
        if (path == "/")
        {
            const string problem = "the root cannot be deleted";
            throw new BadArgumentsException(path, context is null ? problem : $"{context}: {problem}");
        }
    }

    /// <summary>Why ZooKeeper refuses <paramref name="path"/> as a znode path, or null when it is valid.</summary>
    public static string? Problem(string path, bool sequential)
    {
        if (path.Length == 0)
            return "the path is empty";

        // As PathUtils: the server appends the counter, so a sequential path is checked with a digit in its place.
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
                var dots = previous == '.' ? checkedPath[i - 2] == '/' : previous == '/';
                if (dots && endsName)
                    return $"'.' and '..' are not node names (relative path at index {i})";
                continue;
            }

            if (c is (> '\u0000' and <= '\u001f') or (>= '\u007f' and <= '\u009f') or (>= '\ud800' and <= '\uf8ff') or >= '\ufff0')
                return $"character U+{(int)c:X4} at index {i} is not allowed in a path";
        }

        return null;
    }
}
