namespace JobLog.Properties;

public sealed class FoldProperties
{
    [Property(MaxTest = 1000, Arbitrary = [typeof(JobArbitraries)])]
    public Property Folding_the_same_events_gives_the_same_bytes_in_bulk_and_one_by_one(History history)
    {
        var verdict = new Verdict();
        var once = Schedule.Fold(history.Events);
        var twice = Schedule.Fold(history.Events);
        verdict.SameBytes(once, twice, "two bulk folds");

        var stepwise = Schedule.Empty;
        foreach (var e in history.Events)
        {
            var step = stepwise.Apply(e);
            verdict.Expect(step.Outcome == ApplyOutcome.Applied, () => $"{History.Line(e)} was {step.Outcome}, not Applied");
            stepwise = step.Schedule;
        }
        verdict.SameBytes(once, stepwise, "bulk fold vs Apply one by one");

        var bulk = Schedule.Empty.ApplyAll(history.Events, out var gaps);
        verdict.Expect(gaps.Count == 0, () => $"a valid history reported {gaps.Count} gaps");
        verdict.SameBytes(once, bulk, "Fold vs Empty.ApplyAll");

        var half = history.Events.Count / 2;
        var split = Schedule.Empty.ApplyAll(history.Events.Take(half), out _).ApplyAll(history.Events.Skip(half), out _);
        verdict.SameBytes(once, split, $"ApplyAll of the first {half} then the rest");
        return verdict.ToProperty();
    }

    [Property(MaxTest = 1000, Arbitrary = [typeof(JobArbitraries)])]
    public Property Interleaving_streams_differently_gives_the_same_bytes(Interleaving interleaving)
    {
        var verdict = new Verdict();
        var original = interleaving.History.Events;
        var reordered = interleaving.Events();
        verdict.Expect(
            reordered.Count == original.Count
            && original.GroupBy(e => e.Job).All(s => s.SequenceEqual(reordered.Where(e => e.Job == s.Key))),
            () => "test bug: the interleaving is not a per-stream order preserving permutation");

        var expected = Schedule.Fold(original);
        verdict.SameBytes(expected, Schedule.Fold(reordered), "bulk fold of the interleaving");
        var stepwise = reordered.Aggregate(Schedule.Empty, (s, e) => s.Apply(e).Schedule);
        verdict.SameBytes(expected, stepwise, "Apply one by one of the interleaving");
        return verdict.ToProperty();
    }

    [Property(MaxTest = 1000, Arbitrary = [typeof(JobArbitraries)])]
    public Property Folding_a_prefix_gives_the_state_replay_and_stepwise_apply_give(History history)
    {
        var verdict = new Verdict();
        foreach (var job in history.Jobs)
        {
            var stream = history.StreamOf(job);
            for (var n = 1; n <= stream.Count; n++)
            {
                var prefix = stream.Take(n).ToList();
                var folded = Schedule.Fold(prefix).Find(job);
                var replayed = JobEvolution.Replay(prefix);
                var count = n;
                verdict.Expect(folded is not null && folded.Version == n,
                    () => $"{job} after {count} events has version {folded?.Version.ToString() ?? "none"}");
                verdict.Expect(Equals(folded, replayed),
                    () => $"{job} after {count} events: fold {folded} but Replay {replayed}");
                verdict.Expect(replayed is not null && replayed.CreatedAt == stream[0].Timestamp && replayed.UpdatedAt <= prefix[^1].Timestamp,
                    () => $"{job} after {count} events: CreatedAt/UpdatedAt {replayed?.CreatedAt}/{replayed?.UpdatedAt} do not come from its events");
            }
        }

        var stepwise = Schedule.Empty;
        for (var k = 1; k <= history.Events.Count; k++)
        {
            stepwise = stepwise.Apply(history.Events[k - 1]).Schedule;
            verdict.SameBytes(Schedule.Fold(history.Events.Take(k)), stepwise, $"global prefix of {k} events");
        }
        return verdict.ToProperty();
    }

    [Property(MaxTest = 1000, Arbitrary = [typeof(JobArbitraries)])]
    public Property Redelivered_and_future_events_change_nothing(Redelivery redelivery)
    {
        var verdict = new Verdict();
        var events = redelivery.History.Events;
        var applied = events.Take(redelivery.Prefix).ToList();
        var schedule = applied.Aggregate(Schedule.Empty, (s, e) => s.Apply(e).Schedule);

        foreach (var old in applied)
        {
            var step = schedule.Apply(old);
            verdict.Expect(step.Outcome == ApplyOutcome.AlreadyApplied,
                () => $"re-delivered {History.Line(old)} was {step.Outcome}");
            verdict.SameBytes(schedule, step.Schedule, $"after re-delivering {History.Line(old)}");

            // An older version with a different payload (a stale writer) is still only a repeat.
            var stale = old with { Event = new JobPaused(old.Job, new Provenance("stale", "node-z", null)), Sequence = 0 };
            var staleStep = schedule.Apply(stale);
            verdict.Expect(staleStep.Outcome == ApplyOutcome.AlreadyApplied,
                () => $"stale JobPaused at {old.Job} v{old.Version} was {staleStep.Outcome}");
            verdict.SameBytes(schedule, staleStep.Schedule, $"after a stale JobPaused at {old.Job} v{old.Version}");
        }

        var jobs = redelivery.History.Jobs.Append(JobId.Parse("job-never-added"));
        var at = events.Count == 0 ? History.Start : events[^1].Timestamp;
        var futures = new List<RecordedEvent>();
        foreach (var job in jobs)
        {
            var version = schedule.VersionOf(job);
            var future = new RecordedEvent(
                new JobResumed(job, new Provenance("future", "node-z", null)), version + 1 + redelivery.Ahead, events.Count + 1, at.AddHours(1));
            futures.Add(future);
            var step = schedule.Apply(future);
            verdict.Expect(step.Outcome == ApplyOutcome.Gap && step.ExpectedVersion == version + 1,
                () => $"{job} at v{version} given v{future.Version}: {step.Outcome}, expected version {step.ExpectedVersion}");
            verdict.SameBytes(schedule, step.Schedule, $"after a gap for {job}");
        }
        foreach (var later in events.Skip(redelivery.Prefix).Where(e => e.Version > schedule.VersionOf(e.Job) + 1))
        {
            var step = schedule.Apply(later);
            verdict.Expect(step.Outcome == ApplyOutcome.Gap, () => $"early {History.Line(later)} was {step.Outcome}");
            verdict.SameBytes(schedule, step.Schedule, $"after early {History.Line(later)}");
        }

        var bulk = schedule.ApplyAll([.. applied, .. futures, .. applied], out var gaps);
        verdict.SameBytes(schedule, bulk, "ApplyAll of repeats and future events");
        verdict.Expect(gaps.SequenceEqual(futures), () => $"ApplyAll reported {gaps.Count} gaps, expected {futures.Count}");
        verdict.SameBytes(Schedule.Fold(events), Schedule.Fold([.. events, .. events]), "every event delivered twice");
        return verdict.ToProperty();
    }
}
