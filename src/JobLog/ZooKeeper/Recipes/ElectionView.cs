namespace JobLog.ZooKeeper.Recipes;

/// <summary>
/// What a candidate knows after its last step: its <paramref name="Role"/>, its own <paramref name="Epoch"/> (the
/// sequence of its election node, null while it has none) and the <paramref name="Leader"/> it last read (null when
/// it read no candidate). A follower's <paramref name="Leader"/> is as of its last check: it is told only when its
/// predecessor goes, not when a leader further up changes (see <see cref="LeaderElection.ReadLeaderAsync"/>).
/// </summary>
public sealed record ElectionView(ElectionRole Role, long? Epoch, ElectedLeader? Leader)
{
    public static ElectionView Out { get; } = new(ElectionRole.Out, null, null);

    public bool IsLeader => Role == ElectionRole.Leader;
}
