using JobLog.Model;

namespace JobLog.Dispatch.Leader;

/// <summary>
/// The deliveries this node has running, across its leadership terms (a delivery outlives the term that started it:
/// its attempts are fenced, its outcome is a fact). Thread-safe; no lock is held across an await.
/// </summary>
public sealed class InFlightDeliveries
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, Entry> _runs = [];
    // The scheduled and catch-up runs by job: every delivery of a scheduled occurrence asks for its job's earlier run at
    // its instant, a thousand times a second at a thousand jobs a second, while as many deliveries come and go under the
    // same lock.
    private readonly Dictionary<JobId, List<Entry>> _scheduledByJob = [];
    private TaskCompletionSource? _idle;

    public int Count
    {
        get
        {
            lock (_gate)
                return _runs.Count;
        }
    }

    public bool Contains(long runId)
    {
        lock (_gate)
            return _runs.ContainsKey(runId);
    }

    /// <summary>
    /// The newest scheduled or catch-up run of the job in flight here that was claimed before <paramref name="runId"/>,
    /// with the means to cancel its delivery and a task that completes when it ends.
    /// </summary>
    internal (RunRecord Run, CancellationTokenSource Cancel, Task Ended)? EarlierOf(JobId job, long runId)
    {
        lock (_gate)
        {
            if (!_scheduledByJob.TryGetValue(job, out var entries))
                return null;
            var earlier = entries.Where(e => e.Run.Id < runId).MaxBy(e => e.Run.Id);
            return earlier is null ? null : (earlier.Run, earlier.Cancel, earlier.Ended.Task);
        }
    }

    public IReadOnlyDictionary<JobId, InFlightRun> ByJob()
    {
        lock (_gate)
        {
            return _runs.Values
                .GroupBy(e => e.Run.Job)
                .Select(g => g.MaxBy(e => e.Run.Id)!.Run)
                .ToDictionary(run => run.Job, run => new InFlightRun(run.Id, run.ScheduledAt));
        }
    }

    /// <summary>Completes once nothing is in flight (for tests and an orderly stop).</summary>
    public Task IdleAsync()
    {
        lock (_gate)
        {
            if (_runs.Count == 0)
                return Task.CompletedTask;
            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idle.Task;
        }
    }

    internal void Add(RunRecord run, CancellationTokenSource cancel)
    {
        var entry = new Entry(run, cancel);
        lock (_gate)
        {
            Forget(run.Id);
            _runs[run.Id] = entry;
            if (run.Kind == RunKind.Manual)
                return;
            if (!_scheduledByJob.TryGetValue(run.Job, out var entries))
                _scheduledByJob[run.Job] = entries = [];
            entries.Add(entry);
        }
    }

    internal void Remove(long runId)
    {
        TaskCompletionSource? idle = null;
        lock (_gate)
        {
            Forget(runId);
            if (_runs.Count == 0)
            {
                idle = _idle;
                _idle = null;
            }
        }
        idle?.TrySetResult();
    }

    // Under the lock.
    private void Forget(long runId)
    {
        if (!_runs.Remove(runId, out var entry))
            return;
        entry.Ended.TrySetResult();
        if (!_scheduledByJob.TryGetValue(entry.Run.Job, out var entries))
            return;
        entries.Remove(entry);
        if (entries.Count == 0)
            _scheduledByJob.Remove(entry.Run.Job);
    }

    // A class, not a record: an entry is removed from its job's list as the very object that was added.
    private sealed class Entry(RunRecord run, CancellationTokenSource cancel)
    {
        public RunRecord Run { get; } = run;

        public CancellationTokenSource Cancel { get; } = cancel;

        public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
