using System.Globalization;

namespace JobLog.Testing.ZooKeeperModel;

/// <summary>
/// The server's side of ZooKeeper's naming rules, for the model: how a chroot maps paths, parents and names, and how a
/// sequential node is numbered. What the client checks before it sends anything (paths, create modes, frame sizes) the
/// model checks with the client's own code, so the two can never disagree on it.
/// </summary>
internal static class ZooKeeperRules
{
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
            ? parentCversion.ToString("D10", CultureInfo.InvariantCulture)
            : "-" + (-(long)parentCversion).ToString("D9", CultureInfo.InvariantCulture);
}
