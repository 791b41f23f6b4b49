namespace JobLog.Properties;

public sealed class DecisionProperties
{
    [Property(MaxTest = 1000, Arbitrary = [typeof(JobArbitraries)])]
    public Property The_decider_accepts_only_legal_transitions_and_rejects_with_the_right_kind(CommandScript script)
    {
        var verdict = new Verdict();
        var states = new Dictionary<JobId, JobState?>();
        var lifecycles = new Dictionary<JobId, Lifecycle>();
        foreach (var (command, i) in script.Steps.Select((s, i) => (s.Command, i)))
        {
            var state = states.GetValueOrDefault(command.Job);
            Lifecycle? lifecycle = lifecycles.TryGetValue(command.Job, out var l) ? l : null;
            var (expectedEvent, expectedRejection) = Lifecycle.Expect(lifecycle, command);
            var decision = JobDecider.Decide(state, command);
            var at = $"step {i + 1} ({Step.Describe(command)}) in {lifecycle?.ToString() ?? "no job"}";

            switch (decision)
            {
                case Accepted { Event: var e }:
                    verdict.Expect(Lifecycle.IsLegal(lifecycle, e), () => $"{at}: accepted illegal {e.GetType().Name}");
                    verdict.Expect(e.GetType() == expectedEvent,
                        () => $"{at}: accepted {e.GetType().Name}, expected {expectedEvent?.Name ?? $"rejection {expectedRejection}"}");
                    verdict.Expect(e.Job == command.Job && e.By == command.By, () => $"{at}: event is for {e.Job} by {e.By}");
                    verdict.Expect(CarriesPayload(command, e), () => $"{at}: {e} does not carry the command's definition");
                    var version = (state?.Version ?? 0) + 1;
                    states[command.Job] = JobEvolution.Evolve(state, new RecordedEvent(e, version, i + 1, History.Start.AddSeconds(i)));
                    lifecycles[command.Job] = Lifecycle.After(lifecycle, e);
                    break;
                case Rejected r:
                    verdict.Expect(r.Kind == expectedRejection,
                        () => $"{at}: rejected as {r.Kind}, expected {expectedRejection?.ToString() ?? $"accepted {expectedEvent?.Name}"}");
                    verdict.Expect(!string.IsNullOrWhiteSpace(r.Reason), () => $"{at}: rejection has no reason");
                    break;
                default:
                    verdict.Expect(false, () => $"{at}: decision {decision}");
                    break;
            }

            var after = states.GetValueOrDefault(command.Job);
            Lifecycle? expected = lifecycles.TryGetValue(command.Job, out var m) ? m : null;
            verdict.Expect(
                (after, expected) is (null, null)
                || (after is not null && expected is { } x && x.Deleted == (after.Status == JobStatus.Deleted) && x.Enabled == after.Enabled),
                () => $"{at}: state {after?.Status}/{after?.Enabled} disagrees with lifecycle {expected}");
        }
        return verdict.ToProperty();
    }

    [Property(MaxTest = 1000, Arbitrary = [typeof(JobArbitraries)])]
    public Property Every_stream_of_a_decided_history_is_a_legal_lifecycle(History history)
    {
        var verdict = new Verdict();
        var lifecycles = new Dictionary<JobId, Lifecycle>();
        foreach (var e in history.Events)
        {
            Lifecycle? lifecycle = lifecycles.TryGetValue(e.Job, out var l) ? l : null;
            verdict.Expect(Lifecycle.IsLegal(lifecycle, e.Event), () => $"{History.Line(e)} after {lifecycle?.ToString() ?? "no job"}");
            lifecycles[e.Job] = Lifecycle.After(lifecycle, e.Event);
        }
        return verdict.ToProperty();
    }

    private static bool CarriesPayload(JobCommand command, IJobEvent e) => (command, e) switch
    {
        (AddJob c, JobAdded a) => a.Definition == c.Definition && a.Enabled == c.Enabled,
        (UpdateJob c, JobUpdated u) => u.Definition == c.Definition,
        (AddJob or UpdateJob, _) => false,
        _ => true,
    };
}
