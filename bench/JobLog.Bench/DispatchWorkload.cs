namespace JobLog.Bench;

/// <summary>
/// The jobs both schedulers get for one measurement: <see cref="Jobs"/> jobs every minute, job i at second i mod 60
/// (staggered: Jobs/60 fires each second), or <see cref="Jobs"/> jobs every second (all at the same instant). Ids and
/// schedules are the same on both sides (bench/QuartzPeer/JobSet.cs builds Quartz's).
/// </summary>
public sealed record DispatchWorkload(string Kind, int Jobs)
{
    public const string Minute = "minute";
    public const string Second = "second";

    public static DispatchWorkload EveryMinute(int jobs) => new(Minute, jobs);

    public static DispatchWorkload EverySecond(int jobs) => new(Second, jobs);

    public string Label => Kind == Minute
        ? $"{Jobs:N0} jobs every minute, staggered ({Jobs / 60.0:0.#}/s)"
        : $"{Jobs:N0} jobs every second";

    public string IdOf(int i) => Kind == Minute ? $"m-{i:D5}" : $"s-{i:D5}";

    /// <summary>JobLog's 6-field cron: seconds first.</summary>
    public string CronOf(int i) => Kind == Minute ? $"{i % 60} * * * * *" : "* * * * * *";

    public IEnumerable<string> Ids => Enumerable.Range(0, Jobs).Select(IdOf);

    /// <summary>Every (job, scheduled instant) due in [<paramref name="from"/>, <paramref name="to"/>); both whole seconds.</summary>
    public HashSet<(string Job, DateTimeOffset At)> Expected(DateTimeOffset from, DateTimeOffset to)
    {
        var expected = new HashSet<(string, DateTimeOffset)>();
        for (var at = from; at < to; at = at.AddSeconds(1))
        {
            if (Kind == Second)
            {
                for (var i = 0; i < Jobs; i++)
                    expected.Add((IdOf(i), at));
            }
            else
            {
                for (var i = at.Second; i < Jobs; i += 60)
                    expected.Add((IdOf(i), at));
            }
        }
        return expected;
    }
}
