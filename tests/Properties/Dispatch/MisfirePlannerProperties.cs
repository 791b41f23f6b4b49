using JobLog.Dispatch.Leader;

namespace JobLog.Properties.Dispatch;

public sealed class MisfirePlannerProperties
{
    [Property(MaxTest = 300, Arbitrary = [typeof(MisfireCase)])]
    public Property Every_missed_occurrence_is_run_or_recorded_misfired_exactly_once_and_nothing_else_is(MisfireCase c)
    {
        var verdict = new Verdict();
        var plan = MisfirePlanner.Plan(c.Job, c.Policy, c.Latest, c.Now, c.Limits);
        var missed = Missed(c);
        var windowStart = c.Now - TimeSpan.FromSeconds(c.Policy.CatchUpWindowSeconds);
        var inWindow = missed.Where(t => t >= windowStart).ToList();

        var planned = plan.CatchUp.Concat(plan.Misfired.Select(m => m.At)).ToList();
        verdict.Expect(planned.Distinct().Count() == planned.Count, () => "an instant is planned twice");
        verdict.Expect(planned.All(missed.Contains), () => $"planned instants that were not missed: {string.Join(", ", planned.Where(t => !missed.Contains(t)).Select(t => t.ToString("O")))}");
        foreach (var at in missed)
        {
            var covered = plan.CatchUp.Count(t => t == at) + plan.Misfired.Count(m => m.IsSummary ? m.From <= at && at <= m.At : m.At == at);
            verdict.Expect(covered == 1, () => $"the missed occurrence {at:O} is accounted for {covered} times");
        }

        var summaries = plan.Misfired.Where(m => m.IsSummary).ToList();
        verdict.Expect(summaries.Count <= 1, () => $"{summaries.Count} summary records");
        verdict.Expect(plan.Misfired.Count <= c.Limits.MaxMisfireRecords + 1,
            () => $"{plan.Misfired.Count} misfire records, at most {c.Limits.MaxMisfireRecords} and a summary allowed");
        foreach (var summary in summaries)
        {
            var standsFor = missed.Count(t => summary.From <= t && t <= summary.At);
            verdict.Expect(summary.Count is null || summary.Count == standsFor,
                () => $"the summary says it stands for {summary.Count} occurrences, it covers {standsFor}");
            verdict.Expect(missed.Contains(summary.From!.Value), () => "the summary starts at an instant that was not missed");
        }
        verdict.Expect(plan.Occurrences is null || plan.Occurrences == missed.Count,
            () => $"the plan accounts for {plan.Occurrences} occurrences, {missed.Count} were missed");
        // The planner looks back for the records it writes: the runs its policy allows, the records of their own and one
        // more; fewer missed occurrences than that are all seen, so all counted.
        var runsAllowed = c.Policy.Misfire switch
        {
            MisfirePolicy.Skip => 0,
            MisfirePolicy.FireOnce => 1,
            _ => c.Limits.MaxCatchUpRuns,
        };
        if (missed.Count <= c.Limits.MaxMisfireRecords + runsAllowed)
            verdict.Expect(plan.Occurrences == missed.Count, () => "a few missed occurrences were not counted");

        verdict.Expect(plan.CatchUp.All(t => t >= windowStart), () => "a catch-up run outside the catch-up window");
        var expectedRuns = c.Policy.Misfire switch
        {
            MisfirePolicy.Skip => 0,
            MisfirePolicy.FireOnce => Math.Min(1, inWindow.Count),
            _ => Math.Min(c.Limits.MaxCatchUpRuns, inWindow.Count),
        };
        verdict.Expect(plan.CatchUp.SequenceEqual(inWindow.TakeLast(expectedRuns)),
            () => $"{c.Policy.Misfire} ran {plan.CatchUp.Count} catch-ups, expected the latest {expectedRuns} of {inWindow.Count} inside the window");
        var notRun = missed.Except(plan.CatchUp).ToList();
        var individual = plan.Misfired.Where(m => !m.IsSummary).Select(m => m.At).ToList();
        verdict.Expect(individual.SequenceEqual(notRun.TakeLast(individual.Count)),
            () => "the misfire records of their own are not the latest occurrences that did not run");
        verdict.Expect(plan.Misfired.All(m => m.Reason.Length > 0), () => "a misfire without a reason");
        return verdict.ToProperty();
    }

    [Property(MaxTest = 100, Arbitrary = [typeof(MisfireCase)])]
    public Property A_second_plan_after_the_first_one_is_recorded_finds_nothing_more(MisfireCase c)
    {
        var plan = MisfirePlanner.Plan(c.Job, c.Policy, c.Latest, c.Now, c.Limits);
        var recorded = plan.CatchUp.Concat(plan.Misfired.Select(m => m.At)).Append(c.Latest ?? DateTimeOffset.MinValue).Max();
        var again = MisfirePlanner.Plan(c.Job, c.Policy, recorded == DateTimeOffset.MinValue ? c.Latest : recorded, c.Now, c.Limits);
        return (again.Occurrences == 0).Label($"a leader taking over again at the same instant plans {again.Occurrences} occurrences twice");
    }

    [Theory]
    [InlineData("* * * * * *", 30)]
    [InlineData("* * * * * *", 3650)]
    [InlineData("*/5 * * * *", 3650)]
    public void A_frequent_job_after_a_long_outage_gets_a_bounded_plan_that_covers_the_whole_outage(string cron, int days)
    {
        var limits = new MisfireLimits(MaxCatchUpRuns: 100, MaxMisfireRecords: 1000);
        var changed = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var now = changed.AddDays(days);
        var job = MisfireCase.JobOf(cron, "Europe/Berlin", changed);

        foreach (var policy in new[] { MisfirePolicy.FireOnce, MisfirePolicy.Skip, MisfirePolicy.FireAll })
        {
            var plan = MisfirePlanner.Plan(job, DispatchPolicy.Default with { Misfire = policy }, null, now, limits);

            Assert.InRange(plan.Misfired.Count, 1, limits.MaxMisfireRecords + 1);
            var summary = Assert.Single(plan.Misfired, m => m.IsSummary);
            var first = CronTiming.ForStored(cron, "Europe/Berlin")!.OccurrencesAfter(changed).First();
            Assert.Equal(first, summary.From);
            Assert.Contains(RunHeadersText(first), summary.Reason);
            // Whatever ran or was recorded on its own comes after the summary, up to now.
            Assert.All(plan.CatchUp.Concat(plan.Misfired.Where(m => !m.IsSummary).Select(m => m.At)), at => Assert.InRange(at, summary.At.AddTicks(1), now));
        }
    }

    private static string RunHeadersText(DateTimeOffset at) => JobLog.Dispatch.RunHeaders.FormatOccurrence(at);

    // The obvious enumeration: every occurrence after the later of the last record and the last change, up to now.
    private static List<DateTimeOffset> Missed(MisfireCase c)
    {
        if (!c.Enabled)
            return [];
        var start = c.Latest is { } latest && latest > c.Changed ? latest : c.Changed;
        return CronTiming.ForStored(c.Cron, c.Zone)!.OccurrencesAfter(start).TakeWhile(t => t <= c.Now).ToList();
    }
}
