namespace JobLog.ZooKeeper.Recipes;

/// <summary>Where a <see cref="GroupMembership"/> member stands.</summary>
public enum MembershipStatus
{
    /// <summary>Not a member: never joined, left, or its node went with its session.</summary>
    Out,

    /// <summary>
    /// Its member id is still held by an ephemeral node of another session (the same member before a crash, not yet
    /// expired): the member waits for that node to go, watching it, and then joins.
    /// </summary>
    Waiting,

    /// <summary>Its ephemeral node exists and belongs to this member's session.</summary>
    Joined,
}
