using System.Buffers;
using System.IO.Pipelines;

namespace JobLog.Api.Connections;

/// <summary>
/// The connection's output as Kestrel sees it. While the application serves a request every write goes straight
/// through. Output written while no request is in the application can only be Kestrel answering by itself (a
/// request it refused before the application ran); it is held until Kestrel flushes it, and passed on with a problem
/// body when it is an empty error response (<see cref="ServerErrorResponse"/>), unchanged otherwise.
/// </summary>
public sealed class ServerErrorResponseWriter(PipeWriter inner, ConnectionActivity activity, string connectionId) : PipeWriter
{
    private ArrayBufferWriter<byte>? _held;

    public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => inner.UnflushedBytes + (_held?.WrittenCount ?? 0);

    public override Memory<byte> GetMemory(int sizeHint = 0) =>
        Holding() is { } held ? held.GetMemory(sizeHint) : inner.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) =>
        Holding() is { } held ? held.GetSpan(sizeHint) : inner.GetSpan(sizeHint);

    public override void Advance(int bytes)
    {
        if (_held is { } held)
            held.Advance(bytes);
        else
            inner.Advance(bytes);
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        Release();
        return inner.FlushAsync(cancellationToken);
    }

    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null)
    {
        Release();
        inner.Complete(exception);
    }

    public override ValueTask CompleteAsync(Exception? exception = null)
    {
        Release();
        return inner.CompleteAsync(exception);
    }

    private ArrayBufferWriter<byte>? Holding()
    {
        if (_held is null && activity.IsIdle)
            _held = new ArrayBufferWriter<byte>(1024);
        return _held;
    }

    private void Release()
    {
        if (_held is not { } held)
            return;
        _held = null;
        if (ServerErrorResponse.WithProblemBody(held.WrittenSpan, connectionId) is { } rewritten)
            inner.Write(rewritten);
        else
            inner.Write(held.WrittenSpan);
    }
}
