using JobLog.Dispatch;
using JobLog.Dispatch.Leader;

namespace JobLog.Properties.Dispatch;

/// <summary>Leadership a test hands out and takes away.</summary>
public sealed class SwitchableLeadership : IDispatchLeadership
{
    public volatile bool Leads;

    private DispatchFenceToken _held = DispatchRig.Leadership(0);

    public long Epoch
    {
        get => Volatile.Read(ref _held).Epoch;
        set => Volatile.Write(ref _held, _held with { Epoch = value });
    }

    public string Incarnation
    {
        get => Volatile.Read(ref _held).Incarnation;
        set => Volatile.Write(ref _held, new DispatchFenceToken(value, _held.Epoch));
    }

    public DispatchFenceToken? Current => Leads ? Volatile.Read(ref _held) : null;
}
