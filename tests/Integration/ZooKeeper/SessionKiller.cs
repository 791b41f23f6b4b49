using System.Buffers.Binary;
using System.Net.Sockets;

namespace JobLog.Integration.ZooKeeper;

/// <summary>
/// Expires a session from outside, the way a second client with the same id and password would: it joins the
/// session and sends closeSession in the same write as the handshake.
/// </summary>
/// <remarks>
/// The owner can still win: joining moves the session to the killer's connection, the server drops the owner's, and
/// an owner that reconnects before the server reads the close takes the session back and drops the killer's
/// connection with the close unread. The server does not reliably answer a close either (it may close the connection
/// first), so the killer goes on joining the session and closing it until a handshake is refused because the session
/// is gone.
/// </remarks>
internal static class SessionKiller
{
    private const int MaxAttempts = 20;

    public static async Task KillAsync(string host, int port, long sessionId, ReadOnlyMemory<byte> password, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt <= MaxAttempts; attempt++)
        {
            if (await JoinAndCloseAsync(host, port, sessionId, password, cancellationToken))
                return;
        }

        throw new InvalidOperationException($"Session 0x{sessionId:x} outlived {MaxAttempts} closes: its owner took it back each time.");
    }

    /// <summary>True when the server refused to join because the session is already gone; otherwise sends the close.</summary>
    private static async Task<bool> JoinAndCloseAsync(string host, int port, long sessionId, ReadOnlyMemory<byte> password, CancellationToken cancellationToken)
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

        try
        {
            // ConnectResponse: protocol version, then the timeout, which is 0 when the session is gone.
            var connected = await ReadFrameAsync(stream, cancellationToken);
            if (BinaryPrimitives.ReadInt32BigEndian(connected.AsSpan(4)) <= 0)
                return true;

            // The server answers the close (or not) and hangs up; reading to the end waits for that.
            var sink = new byte[1024];
            while (await stream.ReadAsync(sink, cancellationToken) > 0)
            {
            }
        }
        catch (Exception e) when (e is EndOfStreamException or IOException)
        {
        }

        return false;
    }

    private static async Task<byte[]> ReadFrameAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var header = new byte[4];
        await stream.ReadExactlyAsync(header, cancellationToken);
        var body = new byte[BinaryPrimitives.ReadInt32BigEndian(header)];
        await stream.ReadExactlyAsync(body, cancellationToken);
        return body;
    }
}
