using System.Text.Json;

namespace JobLog.Cluster;

/// <summary>The data of the mirror znode: every event of the store's feed at or below <see cref="Sequence"/> is mirrored.</summary>
public sealed record MirrorPosition(long Sequence)
{
    public byte[] Encode() => JsonSerializer.SerializeToUtf8Bytes(new { sequence = Sequence });

    /// <summary>The position in <paramref name="data"/>; 0 (mirror everything again, which is harmless) when unreadable.</summary>
    public static MirrorPosition Decode(ReadOnlySpan<byte> data)
    {
        try
        {
            using var document = JsonDocument.Parse(data.ToArray());
            return new MirrorPosition(Math.Max(0, document.RootElement.GetProperty("sequence").GetInt64()));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return new MirrorPosition(0);
        }
    }
}
