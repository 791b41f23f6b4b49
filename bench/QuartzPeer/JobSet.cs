using Quartz;

namespace JobLog.QuartzPeer;

/// <summary>
/// The bench's jobs as Quartz jobs, named as the bench names JobLog's (<c>m-00042</c>, <c>s-00042</c>) with the same
/// schedules in Quartz's cron dialect (which wants <c>?</c> in one of the day fields).
/// </summary>
public static class JobSet
{
    private const string Group = "bench";

    public static IReadOnlyDictionary<IJobDetail, IReadOnlyCollection<ITrigger>> Build(string kind, int first, int count)
    {
        var jobs = new Dictionary<IJobDetail, IReadOnlyCollection<ITrigger>>(count);
        for (var i = first; i < first + count; i++)
        {
            var (name, cron) = kind switch
            {
                // Staggered over the minute: job i fires at second i mod 60 of every minute.
                "minute" => ($"m-{i:D5}", $"{i % 60} * * * * ?"),
                "second" => ($"s-{i:D5}", "* * * * * ?"),
                _ => throw new ArgumentException($"kind must be minute or second, got {kind}"),
            };
            var job = JobBuilder.Create<WebhookJob>().WithIdentity(name, Group).Build();
            var trigger = TriggerBuilder.Create()
                .WithIdentity(name, Group)
                .ForJob(job)
                .WithSchedule(CronScheduleBuilder.Create(cron).InTimeZone(TimeZoneInfo.Utc))
                .StartNow()
                .Build();
            jobs.Add(job, [trigger]);
        }
        return jobs;
    }
}
