namespace JobLog.Dispatch.Runs;

/// <summary>
/// Group commit for one kind of per-run write: callers that ask while a write is running are written together by the
/// next one, in one statement. A lone caller is written at once (no timer, no added wait); a burst of a thousand
/// deliveries costs a few statements instead of a thousand. A batch holds requests of one group only (one dispatcher's
/// fence, say) and at most one request per run, so each caller's answer is its own row's.
/// </summary>
/// <typeparam name="TRequest">One caller's write.</typeparam>
/// <typeparam name="TResult">One caller's answer.</typeparam>
internal sealed class WriteBatcher<TRequest, TResult>(
    Func<TRequest, long> runOf,
    Func<TRequest, object> groupOf,
    Func<IReadOnlyList<TRequest>, Task<IReadOnlyList<TResult>>> write,
    int maxBatch)
{
    private readonly Lock _gate = new();
    private readonly List<Pending> _queue = [];
    private bool _writing;

    /// <summary>
    /// Writes the request with whatever else is waiting. The write is under no caller's token: once queued it is made,
    /// and a caller that stops waiting does not know whether it was (as with a single statement cancelled in flight).
    /// </summary>
    public Task<TResult> WriteAsync(TRequest request, CancellationToken cancellationToken)
    {
        var pending = new Pending(request, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        bool start;
        lock (_gate)
        {
            _queue.Add(pending);
            start = !_writing;
            _writing = true;
        }
        if (start)
            _ = Task.Run(WriteAllAsync, CancellationToken.None);
        return pending.Answer.Task.WaitAsync(cancellationToken);
    }

    private async Task WriteAllAsync()
    {
        while (TakeBatch() is { } batch)
        {
            try
            {
                var results = await write([.. batch.Select(p => p.Request)]);
                for (var i = 0; i < batch.Count; i++)
                    batch[i].Answer.TrySetResult(results[i]);
            }
            catch (Exception e)
            {
                foreach (var pending in batch)
                    pending.Answer.TrySetException(e);
            }
        }
    }

    private List<Pending>? TakeBatch()
    {
        lock (_gate)
        {
            if (_queue.Count == 0)
            {
                _writing = false;
                return null;
            }
            var group = groupOf(_queue[0].Request);
            var runs = new HashSet<long>();
            var batch = new List<Pending>();
            foreach (var pending in _queue)
            {
                if (batch.Count == maxBatch)
                    break;
                if (Equals(groupOf(pending.Request), group) && runs.Add(runOf(pending.Request)))
                    batch.Add(pending);
            }
            var taken = batch.ToHashSet();
            _queue.RemoveAll(taken.Contains);
            return batch;
        }
    }

    // A class, not a record: a request is taken out of the queue as the very object that was put in.
    private sealed class Pending(TRequest request, TaskCompletionSource<TResult> answer)
    {
        public TRequest Request { get; } = request;

        public TaskCompletionSource<TResult> Answer { get; } = answer;
    }
}
