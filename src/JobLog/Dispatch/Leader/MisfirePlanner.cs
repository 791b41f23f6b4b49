using System.Globalization;
using JobLog.Model;

namespace JobLog.Dispatch.Leader;

/// <summary>
/// Decides, as a pure function, what a new leader does with a job's missed occurrences: those after the later of the
/// latest scheduled instant recorded for the job and the job's last change, up to and including now. Inside the job's
/// catch-up window its misfire policy applies (fireOnce: the latest runs; skip: none; fireAll: the latest
/// <see cref="MisfireLimits.MaxCatchUpRuns"/> run); every other one is recorded as misfired, one record each, except that
/// more than <see cref="MisfireLimits.MaxMisfireRecords"/> older than the window become one record standing for all.
/// </summary>
public static class MisfirePlanner
{
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
        var window = TimeSpan.FromSeconds(Math.Max(0, policy.CatchUpWindowSeconds));
        var windowStart = now - window;

        var older = new List<DateTimeOffset>();
        long olderCount = 0;
        DateTimeOffset? olderFirst = null, olderLast = null;
        var inWindow = new List<DateTimeOffset>();
        foreach (var at in timing.OccurrencesAfter(start))
        {
            if (at > now)
                break;
            if (at >= windowStart)
            {
                inWindow.Add(at);
                continue;
            }
            olderCount++;
            olderFirst ??= at;
            olderLast = at;
            if (older.Count <= limits.MaxMisfireRecords)
                older.Add(at);
        }

        var misfired = new List<PlannedMisfire>();
        var windowText = window.TotalSeconds.ToString(CultureInfo.InvariantCulture);
        if (olderCount > limits.MaxMisfireRecords)
        {
            // Recorded at the last of them, so a later leader's plan starts after every occurrence this record stands for.
            misfired.Add(new PlannedMisfire(
                olderLast!.Value,
                $"missed while no leader dispatched: {olderCount} occurrences from {RunHeaders.FormatOccurrence(olderFirst!.Value)} to {RunHeaders.FormatOccurrence(olderLast.Value)}, "
                + $"all older than the catch-up window of {windowText} s; this record stands for all of them",
                olderCount));
        }
        else
        {
            misfired.AddRange(older.Select(at => new PlannedMisfire(
                at, $"missed while no leader dispatched, older than the catch-up window of {windowText} s")));
        }

        var runs = policy.Misfire switch
        {
            MisfirePolicy.Skip => 0,
            MisfirePolicy.FireOnce => Math.Min(1, inWindow.Count),
            _ => Math.Min(limits.MaxCatchUpRuns, inWindow.Count),
        };
        var notRun = inWindow.Count - runs;
        var reason = policy.Misfire switch
        {
            MisfirePolicy.Skip => "missed while no leader dispatched; misfire policy skip",
            MisfirePolicy.FireOnce => "missed while no leader dispatched; misfire policy fireOnce runs only the latest, "
                                      + (runs > 0 ? RunHeaders.FormatOccurrence(inWindow[^1]) : "none"),
            _ => $"missed while no leader dispatched; misfire policy fireAll runs at most the latest {limits.MaxCatchUpRuns}",
        };
        misfired.AddRange(inWindow.Take(notRun).Select(at => new PlannedMisfire(at, reason)));
        return new MisfirePlan(inWindow.Skip(notRun).ToList(), misfired);
    }

}
