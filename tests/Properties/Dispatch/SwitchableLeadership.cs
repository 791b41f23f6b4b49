using JobLog.Dispatch;
using JobLog.Dispatch.Leader;

namespace JobLog.Properties.Dispatch;

/// <summary>Leadership a test hands out and takes away.</summary>
public sealed class SwitchableLeadership : IDispatchLeadership
{
    private volatile bool _leads;
    private DispatchFenceToken _held = DispatchRig.Leadership(0);
    private TaskCompletionSource _changed = NewSignal();

    public bool Leads
    {
        get => _leads;
        set
        {
            _leads = value;
            Signal();
        }
    }

    public long Epoch
    {
        get => Volatile.Read(ref _held).Epoch;
        set
        {
            Volatile.Write(ref _held, _held with { Epoch = value });
            Signal();
        }
    }

    public string Incarnation
    {
        get => Volatile.Read(ref _held).Incarnation;
        set
        {
            Volatile.Write(ref _held, new DispatchFenceToken(value, _held.Epoch));
            Signal();
        }
    }

    public DispatchFenceToken? Current => Leads ? Volatile.Read(ref _held) : null;

    public Task Changed => Volatile.Read(ref _changed).Task;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Signal() => Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();
}
