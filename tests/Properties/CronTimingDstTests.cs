namespace JobLog.Properties;

public sealed class CronTimingDstTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    private static CronTiming Timing(string cron, string zone)
    {
        Assert.True(CronTiming.TryCreate(cron, zone, out var timing, out var errors), string.Join("; ", errors));
        return timing;
    }

    private static IEnumerable<string> RejectedFields(string cron, string zone)
    {
        Assert.False(CronTiming.TryCreate(cron, zone, out _, out var errors));
        return errors.Select(e => e.Field).Distinct();
    }

    private static DateTimeOffset Utc(int month, int day, int hour, int minute) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public void A_daily_job_at_0230_is_skipped_on_the_spring_forward_day_in_Berlin()
    {
        var fires = Timing("30 2 * * *", "Europe/Berlin").OccurrencesAfter(Utc(3, 27, 12, 0)).Take(3).ToList();

        Assert.Equal([Utc(3, 28, 1, 30), Utc(3, 30, 0, 30), Utc(3, 31, 0, 30)], fires);
        Assert.DoesNotContain(fires, f => TimeZoneInfo.ConvertTime(f, Berlin).Day == 29);
    }

    [Fact]
    public void A_daily_job_at_0230_is_skipped_on_the_spring_forward_day_in_New_York()
    {
        var fires = Timing("30 2 * * *", "America/New_York").OccurrencesAfter(Utc(3, 7, 0, 0)).Take(2).ToList();

        Assert.Equal([Utc(3, 7, 7, 30), Utc(3, 9, 6, 30)], fires);
    }

    [Fact]
    public void A_daily_job_at_0130_fires_once_on_the_fall_back_day_at_the_first_0130_in_New_York()
    {
        var fires = Timing("30 1 * * *", "America/New_York").OccurrencesAfter(Utc(10, 31, 12, 0)).Take(2).ToList();

        // 01:30 EDT (05:30Z) happens first; 01:30 EST (06:30Z) an hour later must not fire again.
        Assert.Equal([Utc(11, 1, 5, 30), Utc(11, 2, 6, 30)], fires);
    }

    [Fact]
    public void A_daily_job_at_0230_fires_once_on_the_fall_back_day_in_Berlin()
    {
        var fires = Timing("30 2 * * *", "Europe/Berlin").OccurrencesAfter(Utc(10, 24, 12, 0)).Take(2).ToList();

        Assert.Equal([Utc(10, 25, 0, 30), Utc(10, 26, 1, 30)], fires);
    }

    [Fact]
    public void An_every_15_minutes_job_across_fall_back_has_no_duplicate_local_time_and_no_instant_twice()
    {
        var fires = Timing("*/15 * * * *", "Europe/Berlin").OccurrencesAfter(Utc(10, 24, 23, 0))
            .TakeWhile(f => f < Utc(10, 25, 3, 0))
            .ToList();
        var locals = fires.Select(f => TimeZoneInfo.ConvertTime(f, Berlin).DateTime).ToList();

        Assert.Equal(fires.Count, fires.Distinct().Count());
        Assert.Equal(locals.Count, locals.Distinct().Count());
        Assert.True(fires.Zip(fires.Skip(1)).All(p => p.First < p.Second), "instants are not strictly increasing");
        // 01:15 to 03:45 local, each quarter hour once: the repeated 02:00-02:45 fire only in summer time,
        // so after 02:45 summer time (00:45Z) the next is 03:00 winter time (02:00Z).
        Assert.Equal(11, fires.Count);
        Assert.Equal(Utc(10, 25, 0, 45), fires[6]);
        Assert.Equal(Utc(10, 25, 2, 0), fires[7]);
    }

    [Fact]
    public void An_every_15_minutes_job_asked_during_the_repeated_hour_does_not_repeat_its_local_times()
    {
        // 01:10Z is 02:10 in winter time, the second pass through 02:xx: 02:15, 02:30 and 02:45 already fired.
        var next = Timing("*/15 * * * *", "Europe/Berlin").OccurrencesAfter(Utc(10, 25, 1, 10)).First();

        Assert.Equal(Utc(10, 25, 2, 0), next);
    }

    [Fact]
    public void An_every_15_minutes_job_across_spring_forward_skips_the_missing_hour_in_New_York()
    {
        var fires = Timing("*/15 * * * *", "America/New_York").OccurrencesAfter(Utc(3, 8, 6, 40)).Take(3).ToList();
        var locals = fires.Select(f => TimeZoneInfo.ConvertTime(f, NewYork).ToString("HH:mm")).ToList();

        Assert.Equal(["01:45", "03:00", "03:15"], locals);
        Assert.Equal([Utc(3, 8, 6, 45), Utc(3, 8, 7, 0), Utc(3, 8, 7, 15)], fires);
    }

    // .NET's answers about local times (IsInvalidTime, IsAmbiguousTime, GetUtcOffset of a local time) are wrong around
    // these changes; the offset it gives for an instant is right. Found by tests/Properties/Dst.

    [Fact]
    public void An_every_15_minutes_job_skips_the_missing_hour_in_Dublin_whose_winter_time_is_the_negative_daylight_saving()
    {
        var fires = Timing("*/15 * * * *", "Europe/Dublin").OccurrencesAfter(Utc(3, 29, 0, 0)).Take(6).ToList();

        // 01:00 GMT becomes 02:00 IST at 01:00Z.
        Assert.Equal([Utc(3, 29, 0, 15), Utc(3, 29, 0, 30), Utc(3, 29, 0, 45), Utc(3, 29, 1, 0), Utc(3, 29, 1, 15), Utc(3, 29, 1, 30)], fires);
    }

    [Fact]
    public void An_every_minute_job_never_goes_back_in_time_when_Casablanca_springs_forward()
    {
        var at = new DateTimeOffset(2012, 4, 29, 1, 58, 0, TimeSpan.Zero);

        var fires = Timing("* * * * *", "Africa/Casablanca").OccurrencesAfter(at).Take(3).ToList();

        // 02:00 WET becomes 03:00 WEST at 02:00Z.
        Assert.Equal([at.AddMinutes(1), at.AddMinutes(2), at.AddMinutes(3)], fires);
    }

    [Fact]
    public void A_daily_job_at_0230_is_skipped_when_Moscow_moved_to_permanent_summer_time()
    {
        var fires = Timing("30 2 * * *", "Europe/Moscow").OccurrencesAfter(new DateTimeOffset(2011, 3, 26, 0, 0, 0, TimeSpan.Zero)).Take(2).ToList();

        // 02:00 MSK (+03) became 03:00 MSK (+04) at 23:00Z on 26 March 2011, for good: no 02:30 on 27 March.
        Assert.Equal([new DateTimeOffset(2011, 3, 27, 22, 30, 0, TimeSpan.Zero), new DateTimeOffset(2011, 3, 28, 22, 30, 0, TimeSpan.Zero)],
            [.. fires.Select(f => f.ToUniversalTime())]);
    }

    [Fact]
    public void A_six_field_cron_has_seconds_first()
    {
        var fires = Timing("15 30 1 * * *", "UTC").OccurrencesAfter(Utc(1, 1, 0, 0)).Take(1).ToList();

        Assert.Equal([Utc(1, 1, 1, 30).AddSeconds(15)], fires);
    }

    [Fact]
    public void A_leap_day_job_keeps_firing_after_ten_years()
    {
        var fires = Timing("0 12 29 2 *", "UTC").OccurrencesAfter(Utc(1, 1, 0, 0)).Take(4).ToList();

        Assert.Equal([2028, 2032, 2036, 2040], fires.Select(f => f.Year));
    }

    [Fact]
    public void A_cron_that_never_matches_has_no_occurrences()
    {
        Assert.Empty(Timing("0 0 30 2 *", "Europe/Berlin").OccurrencesAfter(Utc(1, 1, 0, 0)));
    }

    [Theory]
    [InlineData("not a cron at all")]
    [InlineData("61 * * * *")]
    [InlineData("* * * *")]
    [InlineData("* * * * * * *")]
    [InlineData("")]
    public void An_invalid_cron_is_rejected_on_the_cron_field(string cron) =>
        Assert.Equal(["cron"], RejectedFields(cron, "Europe/Berlin"));

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("")]
    [InlineData("W. Europe Standard Time")]
    [InlineData("Eastern Standard Time")]
    public void An_unknown_or_Windows_time_zone_is_rejected_on_the_timeZone_field(string zone) =>
        Assert.Equal(["timeZone"], RejectedFields("0 2 * * *", zone));
}
