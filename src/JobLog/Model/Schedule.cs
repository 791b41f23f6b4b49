using System.Collections.Immutable;

namespace JobLog.Model;

/// <summary>
/// Every job known to a node, as an immutable snapshot. It is a pure function of the events folded into it:
/// the same events in any interleaving of streams give an equal schedule, a repeated or older event changes
/// nothing, and an event from the future is reported as a gap instead of being guessed at.
/// </summary>
public sealed class Schedule
{
    public static readonly Schedule Empty = new(ImmutableSortedDictionary.Create<string, JobState>(StringComparer.Ordinal));

    private readonly ImmutableSortedDictionary<string, JobState> _jobs;

    private Schedule(ImmutableSortedDictionary<string, JobState> jobs) => _jobs = jobs;

    /// <summary>All jobs, ordered by id (ordinal).</summary>
    public IEnumerable<JobState> Jobs => _jobs.Values;

    public int Count => _jobs.Count;

    public JobState? Find(JobId id) => _jobs.GetValueOrDefault(id.Value);

    public long VersionOf(JobId id) => Find(id)?.Version ?? 0;

    public FoldStep Apply(RecordedEvent recorded)
    {
        var current = Find(recorded.Job);
        var expected = (current?.Version ?? 0) + 1;
        if (recorded.Version < expected)
            return new FoldStep(this, ApplyOutcome.AlreadyApplied, expected);
        if (recorded.Version > expected)
            return new FoldStep(this, ApplyOutcome.Gap, expected);

        var next = JobEvolution.Evolve(current, recorded);
        var schedule = next is null ? this : new Schedule(_jobs.SetItem(recorded.Job.Value, next));
        return new FoldStep(schedule, ApplyOutcome.Applied, expected);
    }

    /// <summary>
    /// Folds events in bulk (as read from the store at start-up). Events that are already applied are skipped;
    /// a gap stops nothing here, it is returned so the caller can repair it from the store.
    /// </summary>
    public Schedule ApplyAll(IEnumerable<RecordedEvent> events, out IReadOnlyList<RecordedEvent> gaps) =>
        ApplyAll(events, out gaps, applied: null);

    /// <summary>As <see cref="ApplyAll(IEnumerable{RecordedEvent}, out IReadOnlyList{RecordedEvent})"/>, adding each event it folds to <paramref name="applied"/>.</summary>
    public Schedule ApplyAll(IEnumerable<RecordedEvent> events, out IReadOnlyList<RecordedEvent> gaps, ICollection<RecordedEvent>? applied)
    {
        var builder = _jobs.ToDictionary(StringComparer.Ordinal);
        List<RecordedEvent>? found = null;
        foreach (var recorded in events)
        {
            var key = recorded.Job.Value;
            builder.TryGetValue(key, out var current);
            var expected = (current?.Version ?? 0) + 1;
            if (recorded.Version < expected)
                continue;
            if (recorded.Version > expected)
            {
                (found ??= []).Add(recorded);
                continue;
            }
            if (JobEvolution.Evolve(current, recorded) is { } next)
                builder[key] = next;
            applied?.Add(recorded);
        }
        gaps = found ?? (IReadOnlyList<RecordedEvent>)[];
        return new Schedule(builder.ToImmutableSortedDictionary(StringComparer.Ordinal));
    }

    public static Schedule Fold(IEnumerable<RecordedEvent> events) => Empty.ApplyAll(events, out _);
}
