using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using JobLog.ZooKeeper.Client;

namespace JobLog.ZooKeeper.Protocol;

/// <summary>Appends length-prefixed jute frames to one reusable buffer; a batch of frames goes out in one socket write.</summary>
internal sealed class FrameWriter : IDisposable
{
    private byte[] _buffer;
    private int _length;

    public FrameWriter(int initialCapacity = 64 * 1024) => _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);

    public int Length => _length;

    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _length);

    public void Reset() => _length = 0;

    public int BeginFrame()
    {
        var start = _length;
        Reserve(4);
        _length += 4;
        return start;
    }

    public void EndFrame(int start) =>
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(start), _length - start - 4);

    /// <summary>Drops a frame that failed half-way so the batch stays well formed.</summary>
    public void Truncate(int start) => _length = start;

    public void WriteInt(int value)
    {
        Reserve(4);
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_length), value);
        _length += 4;
    }

    public void WriteLong(long value)
    {
        Reserve(8);
        BinaryPrimitives.WriteInt64BigEndian(_buffer.AsSpan(_length), value);
        _length += 8;
    }

    public void WriteBool(bool value)
    {
        Reserve(1);
        _buffer[_length++] = value ? (byte)1 : (byte)0;
    }

    public void WriteBuffer(ReadOnlySpan<byte> value)
    {
        WriteInt(value.Length);
        Reserve(value.Length);
        value.CopyTo(_buffer.AsSpan(_length));
        _length += value.Length;
    }

    public void WriteNullBuffer() => WriteInt(-1);

    public void WriteString(string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        WriteInt(count);
        Reserve(count);
        _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
    }

    /// <summary>Writes a client path as the server's path: the chroot prefixed, and the bare root mapped to the chroot itself.</summary>
    public void WritePath(string? chroot, string path)
    {
        if (chroot is null)
        {
            WriteString(path);
            return;
        }

        if (path == "/")
        {
            WriteString(chroot);
            return;
        }

        var count = Encoding.UTF8.GetByteCount(chroot) + Encoding.UTF8.GetByteCount(path);
        WriteInt(count);
        Reserve(count);
        _length += Encoding.UTF8.GetBytes(chroot, _buffer.AsSpan(_length));
        _length += Encoding.UTF8.GetBytes(path, _buffer.AsSpan(_length));
    }

    public void WriteAcls(IReadOnlyList<Acl> acls)
    {
        WriteInt(acls.Count);
        for (var i = 0; i < acls.Count; i++)
        {
            WriteInt((int)acls[i].Permissions);
            WriteString(acls[i].Scheme);
            WriteString(acls[i].Id);
        }
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
            ArrayPool<byte>.Shared.Return(buffer);
    }

    private void Reserve(int count)
    {
        if (_length + count <= _buffer.Length)
            return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + count));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }
}
