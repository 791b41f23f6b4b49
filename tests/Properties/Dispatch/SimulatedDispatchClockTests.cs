using JobLog.Dispatch;
using JobLog.Dispatch.Leader;
using Microsoft.Extensions.Time.Testing;

namespace JobLog.Properties.Dispatch;

/// <summary>The dispatcher's test-only simulated clock (<c>JobLog:Dispatch:Testing</c>), on a fake real clock.</summary>
public sealed class SimulatedDispatchClockTests
{
    private static readonly DateTimeOffset RealStart = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Simulated = new(2027, 3, 28, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void It_reads_its_start_at_the_anchor_and_runs_at_its_rate_on_both_sides_of_it()
    {
        var real = new FakeTimeProvider(RealStart);
        var clock = new SimulatedDispatchClock(real, Simulated, 60, anchor: RealStart + TimeSpan.FromSeconds(10));

        Assert.Equal(Simulated - TimeSpan.FromMinutes(10), clock.GetUtcNow());
        real.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(Simulated, clock.GetUtcNow());
        var mark = clock.GetTimestamp();
        real.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Equal(Simulated + TimeSpan.FromSeconds(90), clock.GetUtcNow());
        Assert.Equal(TimeSpan.FromSeconds(90), clock.GetElapsedTime(mark));
    }

    [Fact]
    public void Without_an_anchor_it_reads_its_start_when_it_is_made()
    {
        var real = new FakeTimeProvider(RealStart);
        real.Advance(TimeSpan.FromMinutes(3));
        var clock = new SimulatedDispatchClock(real, Simulated, 240);

        Assert.Equal(Simulated, clock.GetUtcNow());
        real.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(Simulated + TimeSpan.FromMinutes(4), clock.GetUtcNow());
    }

    [Fact]
    public async Task A_simulated_wait_lasts_the_real_time_divided_by_the_rate()
    {
        var real = new FakeTimeProvider(RealStart);
        var clock = new SimulatedDispatchClock(real, Simulated, 60);

        var minute = Task.Delay(TimeSpan.FromMinutes(1), clock);
        real.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(minute.IsCompleted, "a simulated minute passed in 999 real milliseconds");
        real.Advance(TimeSpan.FromMilliseconds(1));
        await minute.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(Simulated + TimeSpan.FromMinutes(1), clock.GetUtcNow());
    }

    [Fact]
    public void A_timer_changed_after_it_was_made_keeps_to_simulated_time()
    {
        var real = new FakeTimeProvider(RealStart);
        var clock = new SimulatedDispatchClock(real, Simulated, 120);
        var ticks = 0;
        using var timer = clock.CreateTimer(_ => Interlocked.Increment(ref ticks), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

        real.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, ticks);
        timer.Change(TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(4));
        real.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, ticks);
        real.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(2, ticks);
    }

    [Fact]
    public void A_node_without_the_setting_dispatches_on_its_own_clock()
    {
        var real = new FakeTimeProvider(RealStart);

        Assert.Same(real, SimulatedDispatchClock.For(new DispatchTestingOptions(), real));
        var simulated = SimulatedDispatchClock.For(new DispatchTestingOptions { ClockStart = Simulated, ClockRate = 60 }, real);
        Assert.IsType<SimulatedDispatchClock>(simulated);
        Assert.Equal(Simulated, simulated.GetUtcNow());
    }

    [Theory]
    [InlineData(null, null, true)]
    [InlineData(60.0, null, true)]
    [InlineData(null, 60.0, false)]
    [InlineData(60.0, 0.0, false)]
    [InlineData(60.0, -1.0, false)]
    [InlineData(60.0, double.NaN, false)]
    [InlineData(60.0, double.PositiveInfinity, false)]
    [InlineData(60.0, 1_000_001.0, false)]
    [InlineData(60.0, 0.5, true)]
    public void Settings_that_cannot_make_a_clock_are_refused(double? startMinutesAfter, double? rate, bool valid)
    {
        var testing = new DispatchTestingOptions { ClockStart = startMinutesAfter is { } m ? Simulated.AddMinutes(m) : null, ClockRate = rate };
        Assert.Equal(valid, testing.IsValid());
        Assert.False(new DispatchTestingOptions { ClockAnchor = RealStart }.IsValid(), "an anchor without a start");
    }
}
