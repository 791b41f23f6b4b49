namespace JobLog.Properties;

/// <summary>
/// Events as the store would have recorded them: built only by running commands through
/// <see cref="JobDecider.Decide"/> and keeping what it accepts, so every history, shrunk ones included, is valid.
/// </summary>
public sealed class History
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private History(IReadOnlyList<Step> steps, IReadOnlyList<RecordedEvent> events)
    {
        Steps = steps;
        Events = events;
    }

    /// <summary>The accepted commands only, one per event.</summary>
    public IReadOnlyList<Step> Steps { get; }

    public IReadOnlyList<RecordedEvent> Events { get; }

    public IEnumerable<JobId> Jobs => Events.Select(e => e.Job).Distinct();

    public static History From(IEnumerable<Step> steps)
    {
        var states = new Dictionary<JobId, JobState?>();
        var versions = new Dictionary<JobId, long>();
        var accepted = new List<Step>();
        var events = new List<RecordedEvent>();
        var at = Start;
        foreach (var step in steps)
        {
            var job = step.Command.Job;
            var state = states.GetValueOrDefault(job);
            if (JobDecider.Decide(state, step.Command) is not Accepted { Event: var e })
                continue;
            at = at.AddSeconds(Math.Max(1, step.DelaySeconds));
            var version = versions[job] = versions.GetValueOrDefault(job) + 1;
            var recorded = new RecordedEvent(e, version, events.Count + 1, at);
            states[job] = JobEvolution.Evolve(state, recorded);
            accepted.Add(step);
            events.Add(recorded);
        }
        return new History(accepted, events);
    }

    public IReadOnlyList<RecordedEvent> StreamOf(JobId job) => Events.Where(e => e.Job == job).ToList();

    public override string ToString() =>
        Events.Count == 0 ? "(no events)" : Environment.NewLine + string.Join(Environment.NewLine, Events.Select(Line));

    public static string Line(RecordedEvent e)
    {
        var detail = e.Event switch
        {
            JobAdded a => $" {Step.Describe(a.Definition)} {(a.Enabled ? "enabled" : "paused")}",
            JobUpdated u => $" {Step.Describe(u.Definition)}",
            _ => "",
        };
        return $"{e.Job} v{e.Version} {e.Event.GetType().Name}{detail} (#{e.Sequence} {e.Timestamp:yyyy-MM-dd HH:mm:ss})";
    }
}
