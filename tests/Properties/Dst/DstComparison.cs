namespace JobLog.Properties.Dst;

/// <summary>What <see cref="CronTiming"/> returns in a window against the <see cref="WallClockOracle"/>'s fires.</summary>
public static class DstComparison
{
    /// <summary>Every difference, each naming the instant and the wall-clock time it shows; empty when they agree.</summary>
    public static IReadOnlyList<string> Differences(
        TzifZone zone, CronMatcher cron, CronTiming timing, DateTimeOffset after, DateTimeOffset end)
    {
        var expected = WallClockOracle.Fires(zone, cron, after, end);
        var actual = timing.OccurrencesAfter(after).TakeWhile(at => at <= end).ToList();
        var problems = new List<string>();
        for (var i = 1; i < actual.Count; i++)
        {
            if (actual[i] <= actual[i - 1])
                problems.Add($"not strictly increasing: {Show(zone, actual[i - 1])} then {Show(zone, actual[i])}");
        }
        var expectedSet = expected.Select(at => at.UtcTicks).ToHashSet();
        var actualSet = actual.Select(at => at.UtcTicks).ToHashSet();
        problems.AddRange(expected.Where(at => !actualSet.Contains(at.UtcTicks)).Select(at => $"skipped: {Show(zone, at)}"));
        problems.AddRange(actual.Where(at => !expectedSet.Contains(at.UtcTicks)).Select(at => $"fired but should not: {Show(zone, at)}"));
        return problems;
    }

    /// <summary>An instant in UTC and as the zone's clocks show it then.</summary>
    public static string Show(TzifZone zone, DateTimeOffset at)
    {
        var offset = TimeSpan.FromSeconds(zone.OffsetAt(at.ToUnixTimeSeconds()));
        return $"{at.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ} (local {at.ToOffset(offset):yyyy-MM-dd HH:mm:ss} UTC{ZoneTransition.Format(offset)})";
    }
}
