using JobLog.Dispatch;

namespace JobLog.Integration.Dispatch.Model;

/// <summary>
/// A dispatcher that believes it leads with <see cref="Leadership"/>; two of them may be the same node elected twice,
/// in one election or in two (a ZooKeeper rebuilt, or a node that ran without ZooKeeper before).
/// </summary>
public sealed record WouldBeLeader(string Node, DispatchFenceToken Leadership)
{
    public override string ToString() => $"{Node}@{Leadership}";
}
