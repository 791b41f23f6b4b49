using System.Text.Json.Serialization;

namespace JobLog.Model;

// Its JSON form is the API's spelling whatever serializer options carry it (events, znodes, canonical bytes, views).
/// <summary>What the leader does with an occurrence of a job whose previous run is still in flight.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ConcurrencyPolicy>))]
public enum ConcurrencyPolicy
{
    /// <summary>The new occurrence is not run; it is recorded as skipped.</summary>
    [JsonStringEnumMemberName("forbid")]
    Forbid,

    /// <summary>Both run.</summary>
    [JsonStringEnumMemberName("allow")]
    Allow,

    /// <summary>The run in flight is cancelled (recorded as failed, replaced) and the new occurrence runs.</summary>
    [JsonStringEnumMemberName("replace")]
    Replace,
}
