using System.Text.Json;

namespace JobLog.Cluster;

/// <summary>The data of a member's node under nodes/.</summary>
/// <param name="Digest">The <see cref="JobLog.Node.ScheduleDigest"/> of the node's schedule when it published; absent from older nodes.</param>
internal sealed record MemberRecord(string? Url, DateTimeOffset StartedAt, long AppliedSequence, string? Digest = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public byte[] Encode() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static MemberRecord? TryDecode(ReadOnlySpan<byte> data)
    {
        try
        {
            return JsonSerializer.Deserialize<MemberRecord>(data, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
