using System.Globalization;
using JobLog.Model;

namespace JobLog.Dispatch.Leader;

/// <summary>
/// Decides, as a pure function, what a new leader does with a job's missed occurrences: those after the later of the
/// latest scheduled instant recorded for the job and the job's last change, up to and including now. Inside the job's
/// catch-up window its misfire policy applies (fireOnce: the latest one runs; skip: none; fireAll: the latest
/// <see cref="MisfireLimits.MaxCatchUpRuns"/> run). Of the others, the latest <see cref="MisfireLimits.MaxMisfireRecords"/>
/// are recorded as misfired one record each, and one summary record stands for all before them.
/// <para>The cost does not grow with the outage: only the latest occurrences are looked at, found by searching back from
/// now over spans that grow fourfold, so a month without a leader costs a per-second job as little as a minute does.</para>
/// </summary>
public static class MisfirePlanner
{
    private static readonly TimeSpan FirstLookBack = TimeSpan.FromMinutes(1);

    public static MisfirePlan Plan(JobState job, DateTimeOffset? latestRecorded, DateTimeOffset now, MisfireLimits limits) =>
        Plan(job, JobPolicies.Of(job.Definition), latestRecorded, now, limits);

    /// <summary>As above, under the given policy (the job's own unless a test says otherwise).</summary>
    public static MisfirePlan Plan(
        JobState job, DispatchPolicy policy, DateTimeOffset? latestRecorded, DateTimeOffset now, MisfireLimits limits)
    {
        if (!job.IsDue || Timings.Of(job.Definition) is not { } timing)
            return MisfirePlan.Nothing;
        var start = latestRecorded is { } latest && latest > job.UpdatedAt ? latest : job.UpdatedAt;
        if (start >= now)
            return MisfirePlan.Nothing;

        var runsAllowed = policy.Misfire switch
        {
            MisfirePolicy.Skip => 0,
            MisfirePolicy.FireOnce => 1,
            _ => Math.Max(0, limits.MaxCatchUpRuns),
        };
        var records = Math.Max(0, limits.MaxMisfireRecords);
        var missed = LatestMissed(timing, start, now, runsAllowed + records + 1);
        if (missed.Latest.Count == 0)
            return MisfirePlan.Nothing;

        var window = TimeSpan.FromSeconds(Math.Max(0, policy.CatchUpWindowSeconds));
        var windowStart = now - window;
        var inWindow = missed.Latest.Count(at => at >= windowStart);
        var runs = Math.Min(runsAllowed, inWindow);
        var catchUp = missed.Latest.Skip(missed.Latest.Count - runs).ToList();
        var notRun = missed.Latest.Take(missed.Latest.Count - runs).ToList();

        var windowText = window.TotalSeconds.ToString(CultureInfo.InvariantCulture);
        var policyReason = policy.Misfire switch
        {
            MisfirePolicy.Skip => "missed while no leader dispatched; misfire policy skip",
            MisfirePolicy.FireOnce => "missed while no leader dispatched; misfire policy fireOnce runs only the latest, "
                                      + (runs > 0 ? RunHeaders.FormatOccurrence(catchUp[^1]) : "none"),
            _ => $"missed while no leader dispatched; misfire policy fireAll runs at most the latest {limits.MaxCatchUpRuns}",
        };
        var olderReason = $"missed while no leader dispatched, older than the catch-up window of {windowText} s";
        string ReasonFor(DateTimeOffset at) => at >= windowStart ? policyReason : olderReason;

        var misfired = new List<PlannedMisfire>();
        var everyOneSeen = missed.Total is { } total && total == missed.Latest.Count;
        if (everyOneSeen && notRun.Count <= records)
        {
            misfired.AddRange(notRun.Select(at => new PlannedMisfire(at, ReasonFor(at))));
            return new MisfirePlan(catchUp, misfired);
        }

        // One record at the last occurrence it stands for, so a later leader's plan starts after all of them.
        var summarized = notRun[notRun.Count - records - 1];
        long? count = missed.Total is { } all ? all - runs - records : null;
        var countText = count is { } n ? $"{n} occurrences" : "occurrences not counted";
        misfired.Add(new PlannedMisfire(
            summarized,
            $"missed while no leader dispatched: every occurrence from {RunHeaders.FormatOccurrence(missed.First)} to "
            + $"{RunHeaders.FormatOccurrence(summarized)} ({countText}); this record stands for all of them",
            missed.First,
            count));
        misfired.AddRange(notRun.Skip(notRun.Count - records).Select(at => new PlannedMisfire(at, ReasonFor(at))));
        return new MisfirePlan(catchUp, misfired);
    }

    /// <summary>
    /// What an earlier state of a job owed while no leader dispatched, the job having changed from it at
    /// <paramref name="until"/> before a leader took over: the occurrences after the later of the latest recorded instant
    /// and the state's start, up to and including <paramref name="until"/>, all recorded misfired (none runs: the job is
    /// no longer what they were due under), the latest <see cref="MisfireLimits.MaxMisfireRecords"/> one record each.
    /// </summary>
    public static IReadOnlyList<PlannedMisfire> Superseded(JobState state, DateTimeOffset? latestRecorded, DateTimeOffset until, MisfireLimits limits)
    {
        var plan = Plan(state, DispatchPolicy.Default with { Misfire = MisfirePolicy.Skip }, latestRecorded, until, limits);
        var reason = $"missed while no leader dispatched; the job changed at {RunHeaders.FormatOccurrence(until)} (version {state.Version + 1}) before a leader took over";
        return [.. plan.Misfired.Select(m => m.IsSummary ? m : m with { Reason = reason })];
    }

    /// <summary>
    /// The latest <paramref name="wanted"/> occurrences after <paramref name="start"/> up to <paramref name="now"/> (oldest
    /// first), the first occurrence after <paramref name="start"/>, and how many there are in all when the search reached
    /// <paramref name="start"/> (null when it stopped earlier, having found enough).
    /// </summary>
    private static MissedOccurrences LatestMissed(CronTiming timing, DateTimeOffset start, DateTimeOffset now, int wanted)
    {
        if (timing.OccurrencesAfter(start).Select(at => (DateTimeOffset?)at).FirstOrDefault() is not { } first || first > now)
            return new MissedOccurrences([], start, 0);
        var lookBack = FirstLookBack;
        while (true)
        {
            var from = now - start <= lookBack ? start : now - lookBack;
            // Not sized to wanted: that is the records limit (a thousand by default), and most jobs miss a few occurrences.
            var latest = new Queue<DateTimeOffset>();
            long seen = 0;
            foreach (var at in timing.OccurrencesAfter(from))
            {
                if (at > now)
                    break;
                seen++;
                latest.Enqueue(at);
                if (latest.Count > wanted)
                    latest.Dequeue();
            }
            if (from == start)
                return new MissedOccurrences(latest.ToList(), first, seen);
            if (seen >= wanted)
                return new MissedOccurrences(latest.ToList(), first, null);
            lookBack *= 4;
        }
    }

    private sealed record MissedOccurrences(IReadOnlyList<DateTimeOffset> Latest, DateTimeOffset First, long? Total);
}
