namespace JobLog.ZooKeeper.Recipes;

/// <summary>The outcome of one step of a <see cref="LeaderElection"/>: what the candidate knew before and after it.</summary>
public sealed record ElectionChange(ElectionView Before, ElectionView After)
{
    public bool Changed => Before != After;

    /// <summary>The candidate leads now and did not before: start the leader's work, fenced by <see cref="ElectionView.Epoch"/>.</summary>
    public bool BecameLeader => !Before.IsLeader && After.IsLeader;

    /// <summary>The candidate led and no longer may: stop the leader's work now.</summary>
    public bool StoppedLeading => Before.IsLeader && !After.IsLeader;
}
