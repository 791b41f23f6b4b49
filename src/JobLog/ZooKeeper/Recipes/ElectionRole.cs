namespace JobLog.ZooKeeper.Recipes;

/// <summary>Where a <see cref="LeaderElection"/> candidate stands, as far as it knows.</summary>
public enum ElectionRole
{
    /// <summary>Not a candidate: never joined, left, or its election node is gone with its session.</summary>
    Out,

    /// <summary>A candidate behind another one; it watches the candidate just before it.</summary>
    Follower,

    /// <summary>The candidate with the lowest sequence: it leads until its node goes or its session is in doubt.</summary>
    Leader,

    /// <summary>
    /// A candidate whose session is disconnected: it may still lead, but cannot know, so it must act as if it does
    /// not until <see cref="LeaderElection.CheckAsync"/> succeeds on the reconnected session.
    /// </summary>
    Suspended,
}
