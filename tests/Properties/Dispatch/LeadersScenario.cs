namespace JobLog.Properties.Dispatch;

/// <summary>
/// Would-be leaders (their epochs, distinct) and an interleaving of what each does: take over, tick, the clock moving,
/// held calls released. Deliveries are held before their first attempt until released, so a deposed leader's calls are
/// still pending when the next one takes over.
/// </summary>
public sealed record LeadersScenario(IReadOnlyList<long> Epochs, IReadOnlyList<LeaderStep> Steps)
{
    public static Arbitrary<LeadersScenario> Arbitrary()
    {
        var gen =
            from leaders in Gen.Choose(2, 3)
            from epochs in Gen.Shuffle(new long[] { 1, 2, 3 }).Select(e => e.Take(leaders).ToArray())
            from length in Gen.Choose(1, 30)
            from steps in Gen.ArrayOf(Gen.Frequency(
                (2, Gen.Choose(0, leaders - 1).Select(i => new LeaderStep(LeaderAction.TakeOver, i))),
                (4, Gen.Choose(0, leaders - 1).Select(i => new LeaderStep(LeaderAction.Tick, i))),
                (2, Gen.Choose(0, leaders - 1).Select(i => new LeaderStep(LeaderAction.PollTriggers, i))),
                (3, Gen.Choose(1, 6).Select(s => new LeaderStep(LeaderAction.Advance, s))),
                (1, Gen.Constant(new LeaderStep(LeaderAction.Trigger, 0))),
                (2, Gen.Constant(new LeaderStep(LeaderAction.Release, 0)))), length)
            select new LeadersScenario(epochs, steps);
        return Arb.From(gen, s => Enumerable.Range(0, s.Steps.Count)
            .Select(i => s with { Steps = s.Steps.Take(i).Concat(s.Steps.Skip(i + 1)).ToList() }));
    }

    public override string ToString() => $"epochs [{string.Join(", ", Epochs)}]: {string.Join("; ", Steps)}";
}
