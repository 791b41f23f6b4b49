using System.Runtime.CompilerServices;
using JobLog.Model;

namespace JobLog.Dispatch.Leader;

/// <summary>
/// A job definition's cron timing, parsed once per definition object (as <see cref="Occurrences"/> does): a take-over
/// or a schedule rebuild looks at every job, and parsing 100,000 crons again each time is the bulk of that work.
/// </summary>
internal static class Timings
{
    private static readonly ConditionalWeakTable<JobDefinition, CronTiming?> Parsed = new();

    public static CronTiming? Of(JobDefinition definition) =>
        Parsed.GetValue(definition, d => CronTiming.ForStored(d.Cron, d.TimeZone));
}
