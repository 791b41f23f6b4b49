using System.Runtime.CompilerServices;

namespace JobLog.Model;

/// <summary>The next fire times of a schedule: a pure function of (schedule, instant, count).</summary>
public static class Occurrences
{
    // CronTiming.ForStored depends only on the definition and the zone database (ZoneCatalog, never .NET's
    // process-wide zone cache), so caching it per definition object cannot change a result; it only saves work.
    private static readonly ConditionalWeakTable<JobDefinition, CronTiming?> Timings = new();

    /// <summary>
    /// The first <paramref name="count"/> occurrences strictly after <paramref name="after"/> across active,
    /// enabled jobs, ordered by instant and then by job id.
    /// </summary>
    public static IReadOnlyList<Occurrence> Next(Schedule schedule, DateTimeOffset after, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var queue = new PriorityQueue<(JobState Job, IEnumerator<DateTimeOffset> Times), (DateTimeOffset, string)>(
            Comparer<(DateTimeOffset At, string Id)>.Create((a, b) =>
            {
                var byTime = a.At.UtcDateTime.CompareTo(b.At.UtcDateTime);
                return byTime != 0 ? byTime : string.CompareOrdinal(a.Id, b.Id);
            }));
        foreach (var job in schedule.Jobs)
        {
            if (!job.IsDue || count == 0)
                continue;
            if (TimingOf(job.Definition) is not { } timing)
                continue;
            var times = timing.OccurrencesAfter(after).GetEnumerator();
            if (times.MoveNext())
                queue.Enqueue((job, times), (times.Current, job.Id.Value));
        }

        var result = new List<Occurrence>(Math.Min(count, 1024));
        while (result.Count < count && queue.TryDequeue(out var next, out _))
        {
            result.Add(new Occurrence(next.Job.Id, next.Job.Version, next.Times.Current));
            if (next.Times.MoveNext())
                queue.Enqueue(next, (next.Times.Current, next.Job.Id.Value));
        }
        return result;
    }

    // A stored definition that does not parse here (say, a time zone this machine's zone database lacks) cannot
    // fire on this node; it must not take every other job's occurrences down with it.
    private static CronTiming? TimingOf(JobDefinition definition) =>
        Timings.GetValue(definition, d => CronTiming.ForStored(d.Cron, d.TimeZone));
}
