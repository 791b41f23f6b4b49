using System.Text;
using JobLog.ZooKeeper.Client;

namespace JobLog.ZooKeeper.Protocol;

/// <summary>
/// Exact request frame sizes, so an oversize request fails on the caller's thread before anything is queued. Requests
/// that carry only a path and small fields cannot exceed a frame once their path passed <see cref="PathValidation"/>.
/// </summary>
internal static class RequestSize
{
    private const int Header = 8;

    public static int Path(string? chroot, string path) =>
        4 + (chroot is null ? Encoding.UTF8.GetByteCount(path)
            : path == "/" ? Encoding.UTF8.GetByteCount(chroot)
            : Encoding.UTF8.GetByteCount(chroot) + Encoding.UTF8.GetByteCount(path));

    public static int Acls(IReadOnlyList<Acl> acls)
    {
        var size = 4;
        foreach (var acl in acls)
            size += 4 + 4 + Encoding.UTF8.GetByteCount(acl.Scheme) + 4 + Encoding.UTF8.GetByteCount(acl.Id);
        return size;
    }

    public static long CreateBody(string? chroot, string path, int dataLength, IReadOnlyList<Acl> acls, bool ttl) =>
        (long)Path(chroot, path) + 4 + dataLength + Acls(acls) + 4 + (ttl ? 8 : 0);

    public static long SetDataBody(string? chroot, string path, int dataLength) => (long)Path(chroot, path) + 4 + dataLength + 4;

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
                _ => Path(chroot, op.Path) + 4,
            };
        }

        return size;
    }

    public static long AuthBody(string scheme, int authLength) => 4 + 4 + Encoding.UTF8.GetByteCount(scheme) + 4L + authLength;

    public static void ThrowIfTooLarge(long bodySize, string what, string parameter = "data")
    {
        var frame = Header + bodySize;
        if (frame > OpCode.MaxRequestFrame)
            throw new ArgumentException(
                $"The {what} request would be {frame:N0} bytes; ZooKeeper refuses frames over {OpCode.MaxRequestFrame:N0} bytes (jute.maxbuffer) and drops the connection, so it was not sent.",
                parameter);
    }
}
