namespace JobLog.Testing.ClusterSim;

/// <summary>
/// A node's process dies (kill -9): at once, or just before its <see cref="AtCall"/>-th ZooKeeper call from now (so in the
/// middle of whatever step makes it: between a write's append and its mirror, between two jobs of a relay, inside an
/// attach). Its session is not closed (its ephemeral nodes stay until the session expires), its clients are never
/// answered, and its appends in flight meet <see cref="Fate"/>.
/// </summary>
public sealed record CrashOp(int Target, int AtCall, HeldFate Fate) : ClusterOp
{
    public override int Node => Target;

    public override IEnumerable<ClusterOp> Simpler()
    {
        if (AtCall > 0)
            yield return this with { AtCall = 0 };
        if (Fate != HeldFate.Commit)
            yield return this with { Fate = HeldFate.Commit };
    }

    public override string ToString()
    {
        var when = AtCall == 0 ? "" : $" just before its ZooKeeper call {AtCall} from now";
        var held = Fate switch
        {
            HeldFate.Commit => "commit",
            HeldFate.RollBack => "roll back",
            _ => "stay in flight",
        };
        return $"{NodeName(Target)} crashes{when}; its held appends {held}";
    }
}
