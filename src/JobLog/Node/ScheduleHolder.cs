using JobLog.Model;

namespace JobLog.Node;

/// <summary>
/// The node's <see cref="Schedule"/> as an immutable snapshot. Writers serialize on a lock that is never held across an
/// await (folding is pure and synchronous); readers take <see cref="Current"/>. Only <see cref="ScheduleFeed"/> writes it.
/// </summary>
public sealed class ScheduleHolder
{
    // Rebuilding the schedule costs about a microsecond per job it holds, a persistent update about eight per event
    // (measured at 100,000 jobs): a batch is folded by rebuilding only when it is large against the schedule, so a
    // busy tail of a few hundred events does not rebuild a large schedule on every tick.
    private const int BulkThreshold = 256;
    private const int JobsPerBulkEvent = 8;

    private readonly Lock _write = new();
    private volatile Schedule _current = Schedule.Empty;
    private volatile TaskCompletionSource _changed = NewSignal();

    public Schedule Current => _current;

    /// <summary>
    /// Completes when the schedule is next replaced (the dispatcher waits on it beside its timer, so a job added, resumed
    /// or changed is due at once rather than at its next poll). Take it before reading <see cref="Current"/>.
    /// </summary>
    public Task Changed => _changed.Task;

    /// <summary>Called under the write lock for every event that becomes part of the schedule, in the order applied.</summary>
    public Action<RecordedEvent>? AppliedObserver { get; set; }

    /// <summary>Folds events of any streams; repeats and older versions change nothing, events ahead of a gap are returned.</summary>
    internal FoldOutcome ApplyAll(IReadOnlyList<RecordedEvent> events)
    {
        if (events.Count == 0)
            return new FoldOutcome([], []);
        lock (_write)
        {
            var applied = new List<RecordedEvent>(events.Count);
            if (events.Count >= BulkThreshold && events.Count * JobsPerBulkEvent >= _current.Count)
            {
                _current = _current.ApplyAll(events, out var gaps, applied);
                Signal(applied);
                Observe(applied);
                return new FoldOutcome(applied, gaps);
            }

            List<RecordedEvent>? found = null;
            var schedule = _current;
            foreach (var recorded in events)
            {
                var step = schedule.Apply(recorded);
                schedule = step.Schedule;
                if (step.Outcome == ApplyOutcome.Applied)
                    applied.Add(recorded);
                else if (step.Outcome == ApplyOutcome.Gap)
                    (found ??= []).Add(recorded);
            }
            _current = schedule;
            Signal(applied);
            Observe(applied);
            return new FoldOutcome(applied, found ?? (IReadOnlyList<RecordedEvent>)[]);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Signal(List<RecordedEvent> applied)
    {
        if (applied.Count == 0)
            return;
        var fired = _changed;
        _changed = NewSignal();
        fired.TrySetResult();
    }

    private void Observe(List<RecordedEvent> applied)
    {
        if (AppliedObserver is { } observer)
        {
            foreach (var recorded in applied)
                observer(recorded);
        }
    }
}
