using System.Buffers.Binary;
using System.Text;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;

namespace JobLog.ZooKeeper.Protocol;

/// <summary>Reads jute records from one received frame; any overrun is a protocol violation.</summary>
internal ref struct JuteReader
{
    private readonly ReadOnlySpan<byte> _span;
    private int _position;

    public JuteReader(ReadOnlySpan<byte> span)
    {
        _span = span;
        _position = 0;
    }

    public readonly int Remaining => _span.Length - _position;

    public int ReadInt()
    {
        var value = BinaryPrimitives.ReadInt32BigEndian(Take(4));
        return value;
    }

    public long ReadLong() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public bool ReadBool() => Take(1)[0] != 0;

    public byte[]? ReadBuffer()
    {
        var length = ReadInt();
        if (length == -1)
            return null;
        if (length < 0)
            throw new ProtocolViolationException($"negative buffer length {length}");
        return Take(length).ToArray();
    }

    public string? ReadString()
    {
        var length = ReadInt();
        if (length == -1)
            return null;
        if (length < 0)
            throw new ProtocolViolationException($"negative string length {length}");
        return Encoding.UTF8.GetString(Take(length));
    }

    public string ReadRequiredString() =>
        ReadString() ?? throw new ProtocolViolationException("null string where a value is required");

    public Stat ReadStat() => new(
        ReadLong(), ReadLong(), ReadLong(), ReadLong(),
        ReadInt(), ReadInt(), ReadInt(),
        ReadLong(), ReadInt(), ReadInt(), ReadLong());

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _span.Length - _position)
            throw new ProtocolViolationException($"record truncated: needed {count} bytes, {_span.Length - _position} left");
        var slice = _span.Slice(_position, count);
        _position += count;
        return slice;
    }
}
