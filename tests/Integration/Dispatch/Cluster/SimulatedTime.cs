using System.Globalization;

namespace JobLog.Integration.Dispatch.Cluster;

/// <summary>
/// The dispatchers' simulated clock as a test sets it up (<c>JobLog:Dispatch:Testing</c>): it reads <see cref="Start"/> at the
/// real instant <see cref="Anchor"/> and runs <see cref="Rate"/> times as fast, on every node alike. The test reads the same
/// time from the machine's clock, so it can wait for a simulated instant to pass.
/// </summary>
public sealed record SimulatedTime(DateTimeOffset Start, double Rate, DateTimeOffset Anchor)
{
    /// <summary>A clock that reaches <paramref name="at"/> <paramref name="realDelay"/> from now.</summary>
    public static SimulatedTime Reaching(DateTimeOffset at, TimeSpan realDelay, double rate) =>
        new(at - realDelay * rate, rate, DateTimeOffset.UtcNow);

    public DateTimeOffset Now => Start + (DateTimeOffset.UtcNow - Anchor) * Rate;

    /// <summary>
    /// The nodes' settings: the clock, and the dispatcher's periods (simulated seconds under the clock) scaled so that they
    /// last as long in real time as the defaults and the dispatching cluster's own settings.
    /// </summary>
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["JobLog__Dispatch__Testing__ClockStart"] = Start.ToString("O", CultureInfo.InvariantCulture),
        ["JobLog__Dispatch__Testing__ClockRate"] = Rate.ToString(CultureInfo.InvariantCulture),
        ["JobLog__Dispatch__Testing__ClockAnchor"] = Anchor.ToString("O", CultureInfo.InvariantCulture),
        ["JobLog__Dispatch__LeadershipPollSeconds"] = (0.2 * Rate).ToString(CultureInfo.InvariantCulture),
        ["JobLog__Dispatch__TriggerPollSeconds"] = Rate.ToString(CultureInfo.InvariantCulture),
        ["JobLog__Dispatch__MaxInDoubtWaitSeconds"] = (5 * Rate).ToString(CultureInfo.InvariantCulture),
    };
}
