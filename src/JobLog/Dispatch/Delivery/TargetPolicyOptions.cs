namespace JobLog.Dispatch.Delivery;

/// <summary>CIDR ranges: an address is refused when it is in a denied range (the defaults or these) and in no allowed one.</summary>
public sealed class TargetPolicyOptions
{
    public const string AllowKey = "JobLog:Dispatch:Targets:Allow";
    public const string DenyKey = "JobLog:Dispatch:Targets:Deny";

    public List<string> Allow { get; set; } = [];

    /// <summary>Denied in addition to <see cref="TargetPolicy.DefaultDeny"/>.</summary>
    public List<string> Deny { get; set; } = [];
}
