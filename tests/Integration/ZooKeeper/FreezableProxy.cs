using System.Net;
using System.Net.Sockets;

namespace JobLog.Integration.ZooKeeper;

/// <summary>
/// A loopback TCP proxy to a real server that can be frozen: while frozen no byte moves in either direction and new
/// connections wait, like a network partition (nothing is closed, so only timeouts can tell).
/// </summary>
internal sealed class FreezableProxy : IAsyncDisposable
{
    private readonly int _targetPort;
    private readonly LoopbackListener _listener;
    private readonly List<Socket> _sockets = [];
    private TaskCompletionSource _open = NewGate(open: true);
    private long _bytesUp;

    public FreezableProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener = new LoopbackListener(ConnectAsync);
    }

    public string ConnectionString => _listener.ConnectionString;

    public void Freeze() => Interlocked.CompareExchange(ref _open, NewGate(open: false), _open);

    public void Thaw() => Volatile.Read(ref _open).TrySetResult();

    /// <summary>Bytes received from clients so far (counted even while frozen, when they are held back).</summary>
    public long BytesUp => Interlocked.Read(ref _bytesUp);

    /// <summary>Closes every proxied connection on both sides, as a network reset would.</summary>
    public void Drop()
    {
        lock (_sockets)
        {
            foreach (var socket in _sockets)
                socket.Dispose();
            _sockets.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Every wait on the gate takes the listener's token, so stopping it releases them all; the thaw only leaves
        // the gate open for good.
        await _listener.DisposeAsync();
        Thaw();
    }

    private static TaskCompletionSource NewGate(bool open)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (open)
            gate.SetResult();
        return gate;
    }

    private Task WaitOpenAsync(CancellationToken cancellationToken) => Volatile.Read(ref _open).Task.WaitAsync(cancellationToken);

    private async Task ConnectAsync(Socket client, CancellationToken stopping)
    {
        using var _ = client;
        lock (_sockets)
            _sockets.Add(client);
        try
        {
            await WaitOpenAsync(stopping);
            using var server = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            lock (_sockets)
                _sockets.Add(server);
            await server.ConnectAsync(IPAddress.Loopback, _targetPort, stopping);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            var up = PumpAsync(client, server, linked.Token, up: true);
            var down = PumpAsync(server, client, linked.Token, up: false);
            await Task.WhenAny(up, down);
            await linked.CancelAsync();
            await Task.WhenAll(up, down);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task PumpAsync(Socket from, Socket to, CancellationToken cancellationToken, bool up)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, cancellationToken);
                if (read == 0)
                    return;
                if (up)
                    Interlocked.Add(ref _bytesUp, read);
                // Bytes that arrive during a freeze are held, not forwarded, until the thaw.
                await WaitOpenAsync(cancellationToken);
                await to.SendAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }
}
