using System.Globalization;
using JobLog.Properties.Cron;

namespace JobLog.Properties.Dst;

/// <summary>
/// The oracle's own reading of a cron expression: which wall-clock times it matches, field by field. Day of month
/// and day of week must both match, as in NCrontab, the product's cron (Vixie cron would take either one when
/// both are restricted).
/// </summary>
public sealed class CronMatcher
{
    private readonly bool[] _seconds;
    private readonly bool[] _minutes;
    private readonly bool[] _hours;
    private readonly bool[] _days;
    private readonly bool[] _months;
    private readonly bool[] _weekdays;

    private CronMatcher(string text, bool hasSeconds, IReadOnlyList<IReadOnlySet<int>> fields)
    {
        Text = text;
        HasSeconds = hasSeconds;
        var all = hasSeconds ? fields : [new HashSet<int> { 0 }, .. fields];
        _seconds = Flags(all[0], 59);
        _minutes = Flags(all[1], 59);
        _hours = Flags(all[2], 23);
        _days = Flags(all[3], 31);
        _months = Flags(all[4], 12);
        _weekdays = Flags(all[5], 6);
    }

    public string Text { get; }

    /// <summary>Six fields: the expression can match any second, so the oracle walks seconds instead of minutes.</summary>
    public bool HasSeconds { get; }

    /// <summary>The values the generator wrote into each field, not what any parser makes of the text.</summary>
    public static CronMatcher Of(ValidCron cron) =>
        new(cron.Text, cron.Fields.Count == 6, [.. cron.Fields.Select(f => f.Values)]);

    /// <summary>A fixed expression of items <c>*</c>, <c>*/step</c> and numbers only: all the exhaustive check needs.</summary>
    public static CronMatcher Simple(string text)
    {
        var tokens = text.Split(' ');
        var specs = tokens.Length == 6 ? CronFieldSpec.Six : CronFieldSpec.Five;
        var fields = tokens.Zip(specs, (token, spec) => (IReadOnlySet<int>)token.Split(',').SelectMany(item => item switch
        {
            "*" => Enumerable.Range(spec.Min, spec.Max - spec.Min + 1),
            _ when item.StartsWith("*/", StringComparison.Ordinal) =>
                Enumerable.Range(spec.Min, spec.Max - spec.Min + 1).Where(v => (v - spec.Min) % int.Parse(item[2..], CultureInfo.InvariantCulture) == 0),
            _ => [int.Parse(item, CultureInfo.InvariantCulture)],
        }).ToHashSet());
        return new CronMatcher(text, tokens.Length == 6, [.. fields]);
    }

    /// <summary>Whether a time of day (seconds since midnight) matches, the quick first test of a walk.</summary>
    public bool MatchesTimeOfDay(int secondOfDay) =>
        _seconds[secondOfDay % 60] && _minutes[secondOfDay / 60 % 60] && _hours[secondOfDay / 3600];

    public bool Matches(DateTime local) =>
        _seconds[local.Second] && _minutes[local.Minute] && _hours[local.Hour] && _days[local.Day] && _months[local.Month]
        && _weekdays[(int)local.DayOfWeek];

    public override string ToString() => $"'{Text}'";

    private static bool[] Flags(IReadOnlySet<int> values, int max)
    {
        var flags = new bool[max + 1];
        foreach (var value in values)
            flags[value] = true;
        return flags;
    }
}
