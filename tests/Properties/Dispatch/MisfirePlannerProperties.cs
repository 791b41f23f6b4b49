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
        var older = missed.Where(t => t < windowStart).ToList();

        verdict.Expect(plan.Occurrences == missed.Count, () => $"the plan accounts for {plan.Occurrences} occurrences, {missed.Count} were missed");
        var planned = plan.CatchUp.Concat(plan.Misfired.Select(m => m.At)).ToList();
        verdict.Expect(planned.Distinct().Count() == planned.Count, () => "an occurrence is planned twice");
        verdict.Expect(planned.All(missed.Contains), () => $"planned instants that were not missed: {string.Join(", ", planned.Where(t => !missed.Contains(t)).Select(t => t.ToString("O")))}");

        var summaries = plan.Misfired.Where(m => m.Count > 1).ToList();
        if (older.Count > c.Limits.MaxMisfireRecords)
        {
            verdict.Expect(summaries.Count == 1 && summaries[0].Count == older.Count && summaries[0].At == older[^1],
                () => $"{older.Count} occurrences older than the window should be one record at the last of them, got {summaries.Count} summaries");
            verdict.Expect(planned.Count == inWindow.Count + 1, () => "occurrences inside the window are not each planned once beside the summary");
        }
        else
        {
            verdict.Expect(summaries.Count == 0, () => "a summary record although few occurrences were older than the window");
            verdict.Expect(planned.Order().SequenceEqual(missed), () => "the planned instants are not exactly the missed ones");
        }

        verdict.Expect(plan.CatchUp.All(t => t >= windowStart), () => "a catch-up run outside the catch-up window");
        var expectedRuns = c.Policy.Misfire switch
        {
            MisfirePolicy.Skip => 0,
            MisfirePolicy.FireOnce => Math.Min(1, inWindow.Count),
            _ => Math.Min(c.Limits.MaxCatchUpRuns, inWindow.Count),
        };
        verdict.Expect(plan.CatchUp.SequenceEqual(inWindow.TakeLast(expectedRuns)),
            () => $"{c.Policy.Misfire} ran {plan.CatchUp.Count} catch-ups, expected the latest {expectedRuns} of {inWindow.Count} inside the window");
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

    // The obvious enumeration: every occurrence after the later of the last record and the last change, up to now.
    private static List<DateTimeOffset> Missed(MisfireCase c)
    {
        if (!c.Enabled)
            return [];
        var start = c.Latest is { } latest && latest > c.Changed ? latest : c.Changed;
        return CronTiming.ForStored(c.Cron, c.Zone)!.OccurrencesAfter(start).TakeWhile(t => t <= c.Now).ToList();
    }
}
