using JobLog.Dispatch.Leader;

namespace JobLog.Properties.Dispatch;

/// <summary>Leadership a test hands out and takes away.</summary>
public sealed class SwitchableLeadership : IDispatchLeadership
{
    public volatile bool Leads;

    private long _epoch;

    public bool IsLeader => Leads;

    public long Epoch
    {
        get => Interlocked.Read(ref _epoch);
        set => Interlocked.Exchange(ref _epoch, value);
    }
}
