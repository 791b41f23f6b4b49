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

    /// <summary>The newest scheduled or catch-up run of the job in flight here, with the means to cancel its delivery.</summary>
    internal (RunRecord Run, CancellationTokenSource Cancel)? LatestScheduledOf(JobId job)
    {
        lock (_gate)
        {
            var latest = _runs.Values
                .Where(e => e.Run.Job == job && e.Run.Kind != RunKind.Manual)
                .MaxBy(e => e.Run.Id);
            return latest is null ? null : (latest.Run, latest.Cancel);
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
        lock (_gate)
            _runs[run.Id] = new Entry(run, cancel);
    }

    internal void Remove(long runId)
    {
        TaskCompletionSource? idle = null;
        lock (_gate)
        {
            _runs.Remove(runId);
            if (_runs.Count == 0)
            {
                idle = _idle;
                _idle = null;
            }
        }
        idle?.TrySetResult();
    }

    private sealed record Entry(RunRecord Run, CancellationTokenSource Cancel);
}
