using System.Text.Json.Serialization;

namespace JobLog.Model;

// Its JSON form is the API's spelling whatever serializer options carry it (events, znodes, canonical bytes, views).
/// <summary>What the leader does with occurrences that came due while no leader was dispatching.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MisfirePolicy>))]
public enum MisfirePolicy
{
    /// <summary>One catch-up run for the missed occurrences (the latest one inside the catch-up window); the others are recorded as misfired.</summary>
    [JsonStringEnumMemberName("fireOnce")]
    FireOnce,

    /// <summary>None is run; each is recorded as misfired.</summary>
    [JsonStringEnumMemberName("skip")]
    Skip,

    /// <summary>Each missed occurrence inside the catch-up window is run, at most the node's configured maximum.</summary>
    [JsonStringEnumMemberName("fireAll")]
    FireAll,
}
