namespace JobLog.Dispatch;

/// <summary>
/// What the run store's fence holds: the leadership that took over last. <paramref name="Incarnation"/> is null before
/// any leader took over, and on a store whose fence was last raised before incarnations were recorded (an epoch of an
/// unknown election, which no leader's token equals).
/// </summary>
public sealed record FenceHolder(string? Incarnation, long Epoch, string? Node)
{
    public static FenceHolder Nobody { get; } = new(null, 0, null);

    /// <summary>True when the fence holds exactly this leadership: only then may it write.</summary>
    public bool Holds(DispatchFenceToken token) => Incarnation == token.Incarnation && Epoch == token.Epoch;

    /// <summary>True when a take-over by <paramref name="token"/> must be refused: a later leader of its own election holds the fence.</summary>
    public bool Supersedes(DispatchFenceToken token) => Incarnation == token.Incarnation && Epoch > token.Epoch;

    public override string ToString() =>
        Incarnation is null
            ? Node is null && Epoch == 0 ? "nobody" : $"epoch {Epoch} of an unknown incarnation (node {Node ?? "unknown"})"
            : $"{Incarnation}/{Epoch} (node {Node ?? "unknown"})";
}
