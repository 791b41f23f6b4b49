namespace JobLog.Properties;

public sealed class OccurrenceProperties
{
    // The clock changes of the generated zones: one hour, and Lord Howe's half hour.
    private static readonly TimeSpan[] DstShifts = [TimeSpan.FromMinutes(30), TimeSpan.FromHours(1)];

    [Property(MaxTest = 1000, Arbitrary = [typeof(JobArbitraries)])]
    public Property Next_occurrences_are_ordered_after_the_instant_due_only_deterministic_and_extend(OccurrenceQuery query)
    {
        var verdict = new Verdict();
        var schedule = Schedule.Fold(query.History.Events);
        var lifecycles = Lifecycle.Of(query.History.Events);
        var due = lifecycles.Where(j => j.Value is { Deleted: false, Enabled: true }).Select(j => j.Key).ToHashSet();

        var first = Occurrences.Next(schedule, query.After, query.Count);
        var again = Occurrences.Next(schedule, query.After, query.Count);
        var longer = Occurrences.Next(schedule, query.After, query.Count + query.More);

        verdict.Expect(first.SequenceEqual(again), () => "two equal calls differ");
        verdict.Expect(first.Count == (due.Count == 0 ? 0 : query.Count),
            () => $"{first.Count} occurrences for count {query.Count} and {due.Count} due jobs");
        verdict.Expect(longer.Take(first.Count).SequenceEqual(first), () => $"Next(.., {query.Count}) is not a prefix of Next(.., {query.Count + query.More})");

        for (var i = 0; i < longer.Count; i++)
        {
            var o = longer[i];
            verdict.Expect(o.At > query.After, () => $"{o} is not after {query.After:O}");
            verdict.Expect(due.Contains(o.Job), () => $"{o} is for a job that is not active and enabled");
            verdict.Expect(o.Version == schedule.VersionOf(o.Job), () => $"{o} does not carry the job's version {schedule.VersionOf(o.Job)}");
            if (i > 0)
            {
                var p = longer[i - 1];
                var order = p.At.UtcDateTime.CompareTo(o.At.UtcDateTime) is var c && c != 0 ? c : string.CompareOrdinal(p.Job.Value, o.Job.Value);
                verdict.Expect(order < 0, () => $"{p} is not strictly before {o}");
            }
        }

        foreach (var job in due)
        {
            var definition = schedule.Find(job)!.Definition;
            var zone = TimeZoneInfo.FindSystemTimeZoneById(definition.TimeZone);
            var times = longer.Where(o => o.Job == job).Select(o => o.At).ToList();
            verdict.Expect(times.Distinct().Count() == times.Count, () => $"{job} fires at the same instant twice");
            var locals = times.Select(t => TimeZoneInfo.ConvertTime(t, zone).DateTime).ToList();
            verdict.Expect(locals.Distinct().Count() == locals.Count,
                () => $"{job} fires twice at the same local time in {definition.TimeZone}: {string.Join(", ", times.Select(t => $"{t:O}"))}");
            // A repeated wall-clock time fires at its first instant: no earlier instant had the same local time.
            foreach (var (at, local) in times.Zip(locals))
            {
                verdict.Expect(DstShifts.All(shift => TimeZoneInfo.ConvertTime(at - shift, zone).DateTime != local),
                    () => $"{job} fires at {at:O}, the second time {local:HH:mm:ss} happened in {definition.TimeZone}");
            }
        }

        // The same merge written the slow obvious way, from each due job's own timing.
        var reference = due
            .SelectMany(job =>
            {
                var state = schedule.Find(job)!;
                Assert.True(CronTiming.TryCreate(state.Definition.Cron, state.Definition.TimeZone, out var timing, out _));
                return timing.OccurrencesAfter(query.After).Take(query.Count + query.More).Select(at => new Occurrence(job, state.Version, at));
            })
            .OrderBy(o => o.At.UtcDateTime)
            .ThenBy(o => o.Job.Value, StringComparer.Ordinal)
            .Take(query.Count + query.More)
            .ToList();
        verdict.Expect(reference.SequenceEqual(longer),
            () => $"merge differs from the per-job reference:{Environment.NewLine}  expected {string.Join(", ", reference)}{Environment.NewLine}  actual   {string.Join(", ", longer)}");
        return verdict.ToProperty();
    }
}
