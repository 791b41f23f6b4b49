using System.Net;

namespace JobLog.Dispatch.Delivery;

/// <summary>Why the target policy refuses an address: the denied range it lies in (and no allowed range holds it).</summary>
public sealed record TargetRefusal(IPAddress Address, AddressRange DeniedBy)
{
    public string Reason => $"refused by the target policy: {Address} is in the denied range {DeniedBy}";
}
