namespace JobLog.Dispatch.Leader;

/// <summary>
/// Tests only (<see cref="DispatchTestingOptions"/>): a clock that reads <c>start</c> at the real instant <c>anchor</c>
/// and runs <c>rate</c> times as fast as <c>real</c> from there, before the anchor as after it. Its timers wait the
/// simulated time: a wait of a simulated minute takes a real minute divided by the rate, so every period the dispatcher
/// waits is in simulated time. Given to the dispatcher alone; ZooKeeper sessions, the stores and HTTP calls keep the
/// real clock.
/// </summary>
public sealed class SimulatedDispatchClock : TimeProvider
{
    private readonly TimeProvider _real;
    private readonly DateTimeOffset _start;
    private readonly DateTimeOffset _anchor;
    private readonly double _rate;
    private readonly long _anchorTimestamp;

    public SimulatedDispatchClock(TimeProvider real, DateTimeOffset start, double rate, DateTimeOffset? anchor = null)
    {
        ArgumentNullException.ThrowIfNull(real);
        if (!double.IsFinite(rate) || rate <= 0)
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "The rate is a multiplier above 0.");
        _real = real;
        _start = start;
        _rate = rate;
        _anchor = anchor ?? real.GetUtcNow();
        _anchorTimestamp = real.GetTimestamp();
    }

    /// <summary>The dispatcher's clock for these settings: the simulated one when a start is given, else <paramref name="real"/>.</summary>
    public static TimeProvider For(DispatchTestingOptions testing, TimeProvider real) =>
        testing.ClockStart is { } start ? new SimulatedDispatchClock(real, start, testing.ClockRate ?? 1, testing.ClockAnchor) : real;

    public override DateTimeOffset GetUtcNow() => _start + Scaled(_real.GetUtcNow() - _anchor);

    public override TimeZoneInfo LocalTimeZone => _real.LocalTimeZone;

    public override long TimestampFrequency => _real.TimestampFrequency;

    public override long GetTimestamp() => _anchorTimestamp + (long)((_real.GetTimestamp() - _anchorTimestamp) * _rate);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new ScaledTimer(_real.CreateTimer(callback, state, RealWait(dueTime), RealWait(period)), this);

    private TimeSpan Scaled(TimeSpan real) => TimeSpan.FromTicks((long)(real.Ticks * _rate));

    // How long to wait really for a simulated wait; "never" stays never and "at once" stays at once.
    private TimeSpan RealWait(TimeSpan simulated) =>
        simulated == Timeout.InfiniteTimeSpan || simulated <= TimeSpan.Zero
            ? simulated
            : TimeSpan.FromTicks(Math.Max(1, (long)Math.Ceiling(simulated.Ticks / _rate)));

    private sealed class ScaledTimer(ITimer inner, SimulatedDispatchClock clock) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(clock.RealWait(dueTime), clock.RealWait(period));

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
