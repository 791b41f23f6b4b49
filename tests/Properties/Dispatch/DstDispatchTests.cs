using JobLog.Dispatch;
using JobLog.Model;

namespace JobLog.Properties.Dispatch;

/// <summary>
/// The leader across daylight-saving changes on a simulated clock: it fires each existing local time once, skips a local
/// time the change removes and fires a repeated one only at its first instant (the rule of the Time zones section).
/// </summary>
public sealed class DstDispatchTests
{
    private static DateTimeOffset Utc(int month, int day, int hour, int minute) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    private static async Task<IReadOnlyList<DateTimeOffset>> DispatchedAsync(string cron, string zone, DateTimeOffset from, DateTimeOffset to)
    {
        var rig = new DispatchRig(start: from);
        await rig.AddAsync("job", cron, zone);
        var (term, inFlight) = rig.Term("leader", 1);
        await term.StartAsync(CancellationToken.None);
        // Ticks at the leader's own pace would be each due instant; a tick every 5 minutes (and late ones) must not change what fires.
        while (rig.Clock.GetUtcNow() < to)
            await rig.AdvanceAndTickAsync(term, inFlight, 300);
        return rig.Sender.Sent.Select(s => s.ScheduledAt).Order().ToList();
    }

    [Fact]
    public async Task A_daily_job_at_0230_in_Berlin_skips_the_spring_forward_day_and_fires_once_on_the_fall_back_day()
    {
        var spring = await DispatchedAsync("30 2 * * *", "Europe/Berlin", Utc(3, 27, 12, 0), Utc(3, 31, 12, 0));
        Assert.Equal([Utc(3, 28, 1, 30), Utc(3, 30, 0, 30), Utc(3, 31, 0, 30)], spring);

        var fall = await DispatchedAsync("30 2 * * *", "Europe/Berlin", Utc(10, 24, 12, 0), Utc(10, 26, 12, 0));
        Assert.Equal([Utc(10, 25, 0, 30), Utc(10, 26, 1, 30)], fall);
    }

    [Fact]
    public async Task A_half_hourly_job_in_New_York_fires_each_existing_local_time_once_across_both_changes()
    {
        var spring = await DispatchedAsync("*/30 * * * *", "America/New_York", Utc(3, 8, 5, 45), Utc(3, 8, 8, 0));
        // 01:00, 01:30 EST; 02:xx does not exist; 03:00, 03:30 EDT.
        Assert.Equal([Utc(3, 8, 6, 0), Utc(3, 8, 6, 30), Utc(3, 8, 7, 0), Utc(3, 8, 7, 30), Utc(3, 8, 8, 0)], spring);

        var fall = await DispatchedAsync("*/30 * * * *", "America/New_York", Utc(11, 1, 4, 45), Utc(11, 1, 7, 0));
        // 01:00, 01:30 EDT fire; the repeated 01:00, 01:30 EST do not; then 02:00 EST.
        Assert.Equal([Utc(11, 1, 5, 0), Utc(11, 1, 5, 30), Utc(11, 1, 7, 0)], fall);
    }
}
