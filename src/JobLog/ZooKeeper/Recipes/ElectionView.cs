namespace JobLog.ZooKeeper.Recipes;

/// <summary>
/// What a candidate knows after its last step: its <paramref name="Role"/>, its own <paramref name="Epoch"/> (the
/// sequence of its election node, null while it has none) and the <paramref name="Leader"/> it last read (null when
/// it read no candidate). A follower's <paramref name="Leader"/> is as of its last check: it is told only when its
/// predecessor goes, not when a leader further up changes (see <see cref="LeaderElection.ReadLeaderAsync"/>).
/// <paramref name="Incarnation"/> names the parent znode the candidate's node is a child of (its czxid and ctime, in
/// hex; null while it has no node): epochs are ordered only among candidates of one incarnation, since a parent made
/// again (deleted, or an ensemble rebuilt from nothing) numbers its children from 0 again.
/// </summary>
public sealed record ElectionView(ElectionRole Role, long? Epoch, ElectedLeader? Leader, string? Incarnation = null)
{
    public static ElectionView Out { get; } = new(ElectionRole.Out, null, null);

    public bool IsLeader => Role == ElectionRole.Leader;
}
