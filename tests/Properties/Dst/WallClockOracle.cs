namespace JobLog.Properties.Dst;

/// <summary>
/// The expected fires of a cron expression in a window, found the slow obvious way: every local wall-clock minute
/// (or second) that could have an instant in the window is matched against the expression, and mapped to the
/// instants at which the zone's clocks show it. A time no instant shows (a spring-forward gap) does not fire; a time
/// shown twice (fall back) fires at the first instant only. Nothing here asks <see cref="CronTiming"/>, NCrontab
/// or <see cref="TimeZoneInfo"/>.
/// </summary>
public static class WallClockOracle
{
    /// <summary>The fires in (<paramref name="after"/>, <paramref name="end"/>], in order.</summary>
    public static IReadOnlyList<DateTimeOffset> Fires(TzifZone zone, CronMatcher cron, DateTimeOffset after, DateTimeOffset end)
    {
        // Fires fall on whole seconds: the first candidate is the first whole second after `after`.
        var first = (long)Math.Floor(after.ToUnixTimeMilliseconds() / 1000.0) + 1;
        var endSeconds = end.ToUnixTimeSeconds();
        // Offsets that can be in effect around the window, largest first so the first instant of a time is found first.
        var offsets = zone.OffsetsBetween(first - 2 * 86_400, endSeconds + 2 * 86_400).Reverse().ToArray();
        var step = cron.HasSeconds ? 1 : 60;

        var fires = new List<DateTimeOffset>();
        // A local time shown at an instant u of the window lies within [u + min offset, u + max offset].
        var local = AlignUp(first + offsets[^1], step);
        var lastLocal = endSeconds + offsets[0];
        var secondOfDay = (int)(((local % 86_400) + 86_400) % 86_400);
        for (; local <= lastLocal; local += step, secondOfDay = (secondOfDay + step) % 86_400)
        {
            if (!cron.MatchesTimeOfDay(secondOfDay) || !cron.Matches(DateTime.UnixEpoch.AddSeconds(local)))
                continue;
            foreach (var offset in offsets)
            {
                var instant = local - offset;
                if (zone.OffsetAt(instant) != offset)
                    continue;
                if (instant >= first && instant <= endSeconds)
                    fires.Add(DateTimeOffset.FromUnixTimeSeconds(instant));
                break; // the first instant that shows this time is its only fire
            }
        }
        fires.Sort();
        return fires;
    }

    private static long AlignUp(long seconds, int step) => seconds % step == 0 ? seconds : seconds + (step - ((seconds % step) + step) % step);
}
