using System.Collections.Frozen;
using System.Globalization;

namespace JobLog.Model;

/// <summary>
/// The names of the policy choices as the API, the events and the canonical bytes spell them (camelCase, matched
/// case-sensitively): the same names the enums' <c>JsonStringEnumMemberName</c> attributes give every serializer.
/// </summary>
public static class PolicyNames
{
    public static readonly IReadOnlyList<string> Misfires = [Of(MisfirePolicy.FireOnce), Of(MisfirePolicy.Skip), Of(MisfirePolicy.FireAll)];

    public static readonly IReadOnlyList<string> Concurrencies =
        [Of(ConcurrencyPolicy.Forbid), Of(ConcurrencyPolicy.Allow), Of(ConcurrencyPolicy.Replace)];

    private static readonly FrozenDictionary<string, MisfirePolicy> MisfireByName =
        Enum.GetValues<MisfirePolicy>().ToFrozenDictionary(Of, StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, ConcurrencyPolicy> ConcurrencyByName =
        Enum.GetValues<ConcurrencyPolicy>().ToFrozenDictionary(Of, StringComparer.Ordinal);

    public static string Of(MisfirePolicy policy) => policy switch
    {
        MisfirePolicy.FireOnce => "fireOnce",
        MisfirePolicy.Skip => "skip",
        MisfirePolicy.FireAll => "fireAll",
        _ => Undefined((int)policy),
    };

    public static string Of(ConcurrencyPolicy policy) => policy switch
    {
        ConcurrencyPolicy.Forbid => "forbid",
        ConcurrencyPolicy.Allow => "allow",
        ConcurrencyPolicy.Replace => "replace",
        _ => Undefined((int)policy),
    };

    // Only a hand-made event could hold one (the rules refuse it before any event does); shown as the number it is,
    // as the JSON serializers write it, rather than failing every read of the job.
    private static string Undefined(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static bool TryParse(string name, out MisfirePolicy policy) => MisfireByName.TryGetValue(name, out policy);

    public static bool TryParse(string name, out ConcurrencyPolicy policy) => ConcurrencyByName.TryGetValue(name, out policy);
}
