namespace JobLog.ZooKeeper.Recipes;

/// <summary>The candidate holding the lowest election node: its id (the node's data) and its epoch (the node's sequence).</summary>
public sealed record ElectedLeader(string CandidateId, long Epoch);
