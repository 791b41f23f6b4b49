using System.Buffers.Binary;
using System.Net.Sockets;

namespace JobLog.Integration.ZooKeeper;

/// <summary>
/// Expires a session from outside, the way a second client with the same id and password would: it joins the
/// session and sends closeSession in the same write as the handshake, so the owner cannot take the session back in between.
/// </summary>
internal static class SessionKiller
{
    public static async Task KillAsync(string host, int port, long sessionId, ReadOnlyMemory<byte> password, CancellationToken cancellationToken)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(host, port, cancellationToken);
        await using var stream = new NetworkStream(socket, ownsSocket: false);

        var frames = new byte[4 + 45 + 4 + 8];
        var span = frames.AsSpan();
        BinaryPrimitives.WriteInt32BigEndian(span, 45);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], 0);
        BinaryPrimitives.WriteInt64BigEndian(span[8..], 0);
        BinaryPrimitives.WriteInt32BigEndian(span[16..], 30000);
        BinaryPrimitives.WriteInt64BigEndian(span[20..], sessionId);
        BinaryPrimitives.WriteInt32BigEndian(span[28..], 16);
        password.Span.CopyTo(span[32..]);
        span[48] = 0;
        BinaryPrimitives.WriteInt32BigEndian(span[49..], 8);
        BinaryPrimitives.WriteInt32BigEndian(span[53..], 1);
        BinaryPrimitives.WriteInt32BigEndian(span[57..], -11);
        await stream.WriteAsync(frames, cancellationToken);

        // The server answers the handshake and the close, then hangs up; reading to the end waits for that.
        var sink = new byte[1024];
        while (await stream.ReadAsync(sink, cancellationToken) > 0)
        {
        }
    }
}
