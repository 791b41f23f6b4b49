namespace JobLog.ZooKeeper.Recipes;

/// <summary>
/// The outcome of one step of a <see cref="GroupMembership"/>: this member's status before and after it, and whether
/// the group's member list changed (read it again with <see cref="GroupMembership.MembersAsync"/>, which re-arms the watch).
/// </summary>
public sealed record MembershipChange(MembershipStatus Before, MembershipStatus After, bool MembersChanged = false)
{
    public bool Changed => Before != After;
}
