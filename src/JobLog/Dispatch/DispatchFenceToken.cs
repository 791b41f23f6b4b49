using System.Security.Cryptography;

namespace JobLog.Dispatch;

/// <summary>
/// A leadership as the run store's fence knows it: the <paramref name="Incarnation"/> of the election it won and its
/// <paramref name="Epoch"/> there. Epochs are ordered only within one incarnation: ZooKeeper numbers the candidates of
/// an election afresh when its parent znode is made again (a rebuilt ensemble, a deleted parent), and a node without
/// ZooKeeper stands in no election at all.
/// </summary>
/// <param name="Incarnation">The election parent's identity (its czxid and ctime in hex), or <c>alone-…</c> for a node without ZooKeeper.</param>
/// <param name="Epoch">The sequence number of the leader's election node; 0 for a node without ZooKeeper.</param>
public sealed record DispatchFenceToken(string Incarnation, long Epoch)
{
    /// <summary>How the incarnation of a node without ZooKeeper begins.</summary>
    public const string AlonePrefix = "alone-";

    public string Incarnation { get; } = !string.IsNullOrWhiteSpace(Incarnation)
        ? Incarnation
        : throw new ArgumentException("A fence token names its incarnation.", nameof(Incarnation));

    /// <summary>
    /// The leadership of a node without ZooKeeper, one per process. It cannot be ordered against another process's, so
    /// each gets an incarnation of its own: two such nodes on one store fence each other (the later take-over wins)
    /// instead of both writing under one token, and a restarted node adopts what its earlier process claimed and lost.
    /// </summary>
    public static DispatchFenceToken Alone() =>
        new(AlonePrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), 0);

    public override string ToString() => $"{Incarnation}/{Epoch}";
}
