using JobLog.ZooKeeper.Errors;

namespace JobLog.ZooKeeper.Protocol;

internal abstract class Request<T> : Request
{
    // Continuations run on the thread pool so caller code never runs on (or blocks) the socket reader.
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenRegistration _cancellation;

    protected Request(string? path)
        : base(path)
    {
    }

    public Task<T> Task => _completion.Task;

    public override bool IsCompleted => _completion.Task.IsCompleted;

    public void AttachCancellation(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(
                static (state, token) => ((Request<T>)state!)._completion.TrySetCanceled(token),
                this);
        }
    }

    public override bool TryFail(Exception exception)
    {
        var failed = _completion.TrySetException(exception);
        // A caller may have stopped waiting (its own timeout, fire and forget); reading Exception marks the fault
        // observed so an abandoned request never raises UnobservedTaskException. Awaiting callers still get it.
        _ = _completion.Task.Exception;
        _cancellation.Unregister();
        return failed;
    }

    protected void Succeed(T value)
    {
        _completion.TrySetResult(value);
        _cancellation.Unregister();
    }

    protected void Fail(ErrorCode error) => TryFail(ZooKeeperException.Create(error, Path));
}
