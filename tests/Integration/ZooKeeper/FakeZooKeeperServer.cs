using System.Buffers.Binary;
using System.Net.Sockets;

namespace JobLog.Integration.ZooKeeper;

/// <summary>
/// A loopback TCP server that speaks just enough of the protocol (handshake, ping replies) to put the client in
/// situations a real server will not produce: silence, malformed frames, wrong xids. Not a model of ZooKeeper.
/// </summary>
internal sealed class FakeZooKeeperServer : IAsyncDisposable
{
    /// <summary>What the fake does with a client request after the handshake: (connection number, xid, opcode, stream).</summary>
    public delegate Task RequestHandler(int connection, int xid, int opCode, NetworkStream stream, CancellationToken cancellationToken);

    private readonly Func<int, NetworkStream, CancellationToken, Task>? _afterHandshake;
    private readonly RequestHandler? _onRequest;
    private readonly Func<int, CancellationToken, Task>? _beforeHandshakeReply;
    private readonly int _negotiatedTimeoutMs;
    private readonly bool _answerPings;
    private readonly LoopbackListener _listener;
    private int _accepted;
    private int _connectRequests;

    public FakeZooKeeperServer(
        Func<int, NetworkStream, CancellationToken, Task>? afterHandshake = null,
        RequestHandler? onRequest = null,
        int negotiatedTimeoutMs = 30000,
        Func<int, CancellationToken, Task>? beforeHandshakeReply = null,
        bool answerPings = true)
    {
        _answerPings = answerPings;
        _afterHandshake = afterHandshake;
        _onRequest = onRequest;
        _beforeHandshakeReply = beforeHandshakeReply;
        _negotiatedTimeoutMs = negotiatedTimeoutMs;
        _listener = new LoopbackListener(ServeAsync);
    }

    public string ConnectionString => _listener.ConnectionString;

    /// <summary>How many handshakes were answered.</summary>
    public int Handshakes => Volatile.Read(ref _accepted);

    public static byte[] ReplyHeader(int xid, long zxid, int error)
    {
        var frame = new byte[20];
        BinaryPrimitives.WriteInt32BigEndian(frame, 16);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(4), xid);
        BinaryPrimitives.WriteInt64BigEndian(frame.AsSpan(8), zxid);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(16), error);
        return frame;
    }

    public ValueTask DisposeAsync() => _listener.DisposeAsync();

    private async Task ServeAsync(Socket socket, CancellationToken token)
    {
        using var _ = socket;
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        try
        {
            await ReadFrameAsync(stream, token);
            // Numbered by connect request, answered or not: a hook that never returns leaves that handshake unanswered.
            var request = Interlocked.Increment(ref _connectRequests);
            if (_beforeHandshakeReply is not null)
                await _beforeHandshakeReply(request, token);
            var number = Interlocked.Increment(ref _accepted);
            var response = new byte[4 + 37];
            BinaryPrimitives.WriteInt32BigEndian(response, 37);
            BinaryPrimitives.WriteInt32BigEndian(response.AsSpan(8), _negotiatedTimeoutMs);
            BinaryPrimitives.WriteInt64BigEndian(response.AsSpan(12), 0x1234);
            BinaryPrimitives.WriteInt32BigEndian(response.AsSpan(20), 16);
            await stream.WriteAsync(response, token);
            if (_afterHandshake is not null)
                await _afterHandshake(number, stream, token);

            while (true)
            {
                var frame = await ReadFrameAsync(stream, token);
                var xid = BinaryPrimitives.ReadInt32BigEndian(frame);
                var opCode = BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(4));
                if (xid == -2)
                {
                    if (_answerPings)
                        await stream.WriteAsync(ReplyHeader(-2, 0, 0), token);
                }
                else if (opCode == -11)
                {
                    await stream.WriteAsync(ReplyHeader(xid, 0, 0), token);
                    return;
                }
                else if (_onRequest is not null)
                    await _onRequest(number, xid, opCode, stream, token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or EndOfStreamException or ObjectDisposedException)
        {
            // The client hung up or the fake is stopping.
        }
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
