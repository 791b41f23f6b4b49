using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using JobLog.ZooKeeper.Watches;

namespace JobLog.ZooKeeper.Protocol;

/// <summary>
/// One socket of a session: a writer task that drains the client's outgoing queue in batches, a reader task that
/// matches replies to requests by xid in FIFO order, and a ping task that keeps the session alive and spots a dead peer.
/// It ends on the first failure of any of them; the client then fails what was in flight and connects again.
/// </summary>
internal sealed class ZooKeeperConnection
{
    private const int MaxIncomingFrame = 16 * 1024 * 1024;
    private const int MinReplyFrame = 16;
    private const int BatchBytes = 64 * 1024;
    private const int SetWatchesBatchBytes = 128 * 1024;

    private readonly ZooKeeperClient _client;
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly int _sessionTimeoutMs;
    private readonly bool _rearmWatches;
    private readonly Queue<Request> _pending = new();
    private readonly Queue<AuthRequest?> _authPending = new();
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    // Ticks of the client's Uptime, so pings and the read timeout follow the client's TimeProvider.
    private long _lastSend;
    private long _lastReceive;
    private bool _closed;
    private int _primingReplies;
    private readonly TaskCompletionSource _primed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ZooKeeperConnection(ZooKeeperClient client, Socket socket, NetworkStream stream, int sessionTimeoutMs, bool rearmWatches)
    {
        _client = client;
        _lastSend = _lastReceive = client.Uptime.Ticks;
        _socket = socket;
        _stream = stream;
        _sessionTimeoutMs = sessionTimeoutMs;
        _rearmWatches = rearmWatches;
    }

    /// <summary>
    /// Completes once the server answered the frames that re-arm the session's watches (at once when there are none): from
    /// then on, whatever another client changes fires them. Never completes when the connection ends first.
    /// </summary>
    public Task Primed => _primed.Task;

    /// <summary>Why the connection ended, for diagnostics.</summary>
    public string? EndReason { get; private set; }

    /// <summary>Runs until the socket fails, the peer misbehaves, or <see cref="Abort"/>; never throws.</summary>
    public async Task RunAsync()
    {
        var reader = Guard(ReadLoopAsync, "reader");
        var writer = Guard(WriteLoopAsync, "writer");
        var pinger = Guard(PingLoopAsync, "pinger");
        await Task.WhenAny(reader, writer, pinger).ConfigureAwait(false);
        Abort(EndReason ?? "connection ended");
        await Task.WhenAll(reader, writer, pinger).ConfigureAwait(false);
        FailInFlight();
    }

    public void Abort(string reason)
    {
        lock (_gate)
        {
            if (_closed)
                return;
            _closed = true;
            EndReason ??= reason;
        }

        _stop.Cancel();
        // Disposing the socket unblocks a read or write that ignores the token.
        _socket.Dispose();
    }

    private async Task Guard(Func<CancellationToken, Task> loop, string name)
    {
        try
        {
            await loop(_stop.Token).ConfigureAwait(false);
            Abort($"{name} stopped");
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Abort($"{name}: {e.Message}");
        }
    }

    private void FailInFlight()
    {
        List<Request> failed;
        List<AuthRequest> failedAuth;
        lock (_gate)
        {
            failed = [.. _pending];
            _pending.Clear();
            failedAuth = [.. _authPending.OfType<AuthRequest>()];
            _authPending.Clear();
        }

        foreach (var request in failed)
            request.TryFail(new ConnectionLossException(request.Path, $"connection lost with the request in flight ({EndReason}); its outcome is unknown"));
        foreach (var request in failedAuth)
            request.TryFail(new ConnectionLossException(null, $"connection lost before the auth reply ({EndReason})"));
    }

    private async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        using var writer = new FrameWriter();
        WritePriming(writer);
        if (writer.Length > 0)
        {
            await _stream.WriteAsync(writer.Written, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _lastSend, _client.Uptime.Ticks);
            writer.Reset();
        }

        var outgoing = _client.Outgoing;
        while (await outgoing.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            // A request leaves the queue and enters the pending FIFO with no await in between, so none is lost.
            while (writer.Length < BatchBytes && outgoing.TryRead(out var request))
                Append(writer, request);

            if (writer.Length == 0)
                continue;
            await _stream.WriteAsync(writer.Written, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _lastSend, _client.Uptime.Ticks);
            writer.Reset();
        }
    }

    private void Append(FrameWriter writer, Request request)
    {
        if (request.IsCompleted)
            return;

        var xid = request switch
        {
            PingRequest => OpCode.PingXid,
            AuthRequest => OpCode.AuthXid,
            _ => _client.NextXid(),
        };
        var start = writer.BeginFrame();
        try
        {
            writer.WriteInt(xid);
            writer.WriteInt(request.OpCode);
            request.WriteBody(writer, _client.Chroot);
        }
        catch (Exception e)
        {
            writer.Truncate(start);
            request.TryFail(e);
            return;
        }

        writer.EndFrame(start);
        request.Xid = xid;
        lock (_gate)
        {
            if (request is AuthRequest auth)
                _authPending.Enqueue(auth);
            else if (request is not PingRequest)
                _pending.Enqueue(request);
        }
    }

    /// <summary>Credentials and watches go out before any queued request, so those run with the session as it was.</summary>
    private void WritePriming(FrameWriter writer)
    {
        foreach (var (scheme, auth) in _client.AuthInfo())
        {
            var start = writer.BeginFrame();
            writer.WriteInt(OpCode.AuthXid);
            writer.WriteInt(OpCode.Auth);
            AuthRequest.Write(writer, scheme, auth);
            writer.EndFrame(start);
            lock (_gate)
                _authPending.Enqueue(null);
        }

        if (!_rearmWatches)
        {
            _primed.TrySetResult();
            return;
        }
        var lists = _client.Watches.Snapshot();
        if (lists.All(l => l.Length == 0))
        {
            _primed.TrySetResult();
            return;
        }

        // setWatches2 frames stay under 128 KiB of paths, as the Java client does, so none nears jute.maxbuffer.
        var cursor = new int[lists.Length];
        while (cursor.Select((c, i) => c < lists[i].Length).Any(more => more))
        {
            var start = writer.BeginFrame();
            writer.WriteInt(OpCode.SetWatchesXid);
            writer.WriteInt(OpCode.SetWatches2);
            writer.WriteLong(_client.LastZxid);
            var budget = SetWatchesBatchBytes;
            var empty = true;
            for (var kind = 0; kind < lists.Length; kind++)
            {
                var count = 0;
                var size = 0;
                while (cursor[kind] + count < lists[kind].Length)
                {
                    // Paths go in up to the budget, and always at least one: a path the client accepted fits a
                    // setWatches2 frame on its own (PathValidation.MaxServerPathBytes), but not beside 128 KiB of others.
                    var next = RequestSize.Path(_client.Chroot, lists[kind][cursor[kind] + count]);
                    if (!empty && size + next > budget)
                        break;
                    size += next;
                    count++;
                    empty = false;
                }

                writer.WriteInt(count);
                for (var i = 0; i < count; i++)
                    writer.WritePath(_client.Chroot, lists[kind][cursor[kind] + i]);
                cursor[kind] += count;
                budget -= size;
            }

            writer.EndFrame(start);
            Interlocked.Increment(ref _primingReplies);
        }
    }

    private async Task ReadLoopAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            var start = 0;
            var end = 0;
            while (true)
            {
                while (end - start >= 4)
                {
                    var length = BinaryPrimitives.ReadInt32BigEndian(buffer.AsSpan(start));
                    if (length < MinReplyFrame || length > MaxIncomingFrame)
                        throw new ProtocolViolationException($"bad frame length {length}");
                    if (end - start - 4 < length)
                    {
                        if (4 + length > buffer.Length)
                        {
                            var bigger = ArrayPool<byte>.Shared.Rent(4 + length);
                            buffer.AsSpan(start, end - start).CopyTo(bigger);
                            ArrayPool<byte>.Shared.Return(buffer);
                            buffer = bigger;
                            end -= start;
                            start = 0;
                        }

                        break;
                    }

                    ProcessFrame(buffer, start + 4, length);
                    start += 4 + length;
                }

                if (start > 0)
                {
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    end -= start;
                    start = 0;
                }

                var read = await _stream.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                    throw new EndOfStreamException("the server closed the connection");
                end += read;
                Volatile.Write(ref _lastReceive, _client.Uptime.Ticks);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void ProcessFrame(byte[] buffer, int offset, int length)
    {
        var reader = new JuteReader(buffer.AsSpan(offset, length));
        var xid = reader.ReadInt();
        var zxid = reader.ReadLong();
        var error = (ErrorCode)reader.ReadInt();
        if (zxid > 0)
            _client.ObserveZxid(zxid);

        switch (xid)
        {
            case OpCode.NotificationXid:
                ProcessNotification(ref reader);
                return;
            case OpCode.PingXid:
                return;
            case OpCode.SetWatchesXid:
                if (Interlocked.Decrement(ref _primingReplies) == 0)
                    _primed.TrySetResult();
                return;
            case OpCode.AuthXid:
                AuthRequest? auth;
                lock (_gate)
                {
                    if (!_authPending.TryDequeue(out auth))
                        throw new ProtocolViolationException("auth reply with no auth request outstanding");
                }

                if (error == ErrorCode.AuthFailed)
                    _client.OnAuthFailed();
                auth?.OnReply(error, ref reader, _client);
                return;
        }

        Request? request;
        lock (_gate)
            _pending.TryDequeue(out request);
        if (request is null)
            throw new ProtocolViolationException($"reply xid {xid} with no request outstanding");
        if (request.Xid != xid)
        {
            request.TryFail(new ConnectionLossException(request.Path, $"protocol error: reply xid {xid}, expected {request.Xid}"));
            throw new ProtocolViolationException($"reply xid {xid} does not match the oldest request's xid {request.Xid}");
        }

        try
        {
            request.OnReply(error, ref reader, _client);
        }
        catch (Exception e)
        {
            request.TryFail(new ConnectionLossException(request.Path, $"protocol error: {e.Message}"));
            throw;
        }
    }

    /// <summary>
    /// Spends the one-shot watch and hands the event to the subscribers' buffers without waiting, so the replies behind
    /// it are read at once even when a subscriber is slow or is itself waiting for one of them.
    /// </summary>
    private void ProcessNotification(ref JuteReader reader)
    {
        var type = reader.ReadInt();
        reader.ReadInt();
        var serverPath = reader.ReadString() ?? "/";
        if (type is < (int)WatchEventType.NodeCreated or > (int)WatchEventType.NodeChildrenChanged)
            return;
        var eventType = (WatchEventType)type;
        var path = _client.StripChroot(serverPath);
        _client.Watches.OnNotification(eventType, path);
        _client.Dispatcher.Publish(new WatchEvent(eventType, path));
    }

    private async Task PingLoopAsync(CancellationToken cancellationToken)
    {
        var readTimeout = TimeSpan.FromMilliseconds(_sessionTimeoutMs * 2 / 3).Ticks;
        var pingAfter = TimeSpan.FromMilliseconds(_sessionTimeoutMs / 3).Ticks;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Clamp(_sessionTimeoutMs / 20, 10, 250)), _client.Time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            var now = _client.Uptime.Ticks;
            var silence = now - Volatile.Read(ref _lastReceive);
            if (silence > readTimeout)
            {
                throw new TimeoutException(
                    $"nothing received from the server for {silence / TimeSpan.TicksPerMillisecond} ms (limit {readTimeout / TimeSpan.TicksPerMillisecond} ms)");
            }

            if (now - Volatile.Read(ref _lastSend) >= pingAfter)
            {
                Volatile.Write(ref _lastSend, now);
                _client.EnqueuePing();
            }
        }
    }

    /// <summary>Sends ConnectRequest and reads ConnectResponse, byte-exact, so nothing after it is consumed.</summary>
    public static async Task<ConnectResponse> HandshakeAsync(
        NetworkStream stream, long lastZxid, int timeoutMs, long sessionId, ReadOnlyMemory<byte> password, CancellationToken cancellationToken)
    {
        using (var writer = new FrameWriter(256))
        {
            var start = writer.BeginFrame();
            writer.WriteInt(0);
            writer.WriteLong(lastZxid);
            writer.WriteInt(timeoutMs);
            writer.WriteLong(sessionId);
            writer.WriteBuffer(password.Length == 16 ? password.Span : new byte[16]);
            writer.WriteBool(false);
            writer.EndFrame(start);
            await stream.WriteAsync(writer.Written, cancellationToken).ConfigureAwait(false);
        }

        var header = new byte[4];
        await stream.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        if (length is < 36 or > 1024)
            throw new ProtocolViolationException($"bad ConnectResponse length {length}");
        var body = new byte[length];
        await stream.ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);
        return Parse(body);

        static ConnectResponse Parse(byte[] body)
        {
            var reader = new JuteReader(body);
            reader.ReadInt();
            var timeout = reader.ReadInt();
            var id = reader.ReadLong();
            var passwd = reader.ReadBuffer() ?? [];
            var readOnly = reader.Remaining > 0 && reader.ReadBool();
            return new ConnectResponse(timeout, id, passwd, readOnly);
        }
    }
}
