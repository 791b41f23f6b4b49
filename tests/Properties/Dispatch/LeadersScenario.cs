using JobLog.Dispatch;

namespace JobLog.Properties.Dispatch;

/// <summary>
/// Would-be leaders (their leaderships, distinct: epochs of two elections and nodes without ZooKeeper, whose epochs
/// cannot be compared with each other's) and an interleaving of what each does: take over, tick, the clock moving,
/// held calls released. Deliveries are held before their first attempt until released, so a deposed leader's calls
/// are still pending when the next one takes over. <see cref="Final"/> is the leadership that takes over at the end.
/// </summary>
public sealed record LeadersScenario(IReadOnlyList<DispatchFenceToken> Leaders, DispatchFenceToken Final, IReadOnlyList<LeaderStep> Steps)
{
    private static readonly string[] Elections = ["election-a", "election-b"];

    public static Arbitrary<LeadersScenario> Arbitrary()
    {
        var gen =
            from leaders in Gen.Choose(2, 3)
            from epochs in Gen.Shuffle(new long[] { 1, 2, 3 }).Select(e => e.Take(leaders).ToArray())
            // 0 and 1: the elections; 2: a node without ZooKeeper.
            from kinds in Gen.ArrayOf(Gen.Frequency((3, Gen.Constant(0)), (2, Gen.Constant(1)), (2, Gen.Constant(2))), leaders)
            from final in Gen.Choose(0, 2)
            from length in Gen.Choose(1, 30)
            from steps in Gen.ArrayOf(Gen.Frequency(
                (2, Gen.Choose(0, leaders - 1).Select(i => new LeaderStep(LeaderAction.TakeOver, i))),
                (4, Gen.Choose(0, leaders - 1).Select(i => new LeaderStep(LeaderAction.Tick, i))),
                (2, Gen.Choose(0, leaders - 1).Select(i => new LeaderStep(LeaderAction.PollTriggers, i))),
                (3, Gen.Choose(1, 6).Select(s => new LeaderStep(LeaderAction.Advance, s))),
                (1, Gen.Constant(new LeaderStep(LeaderAction.Trigger, 0))),
                (2, Gen.Constant(new LeaderStep(LeaderAction.Release, 0)))), length)
            select new LeadersScenario(
                [.. kinds.Select((kind, i) => kind == 2 ? new DispatchFenceToken($"alone-{i}", 0) : new DispatchFenceToken(Elections[kind], epochs[i]))],
                final == 2 ? new DispatchFenceToken("alone-final", 0) : new DispatchFenceToken(Elections[final], 100),
                steps);
        return Arb.From(gen, s => Enumerable.Range(0, s.Steps.Count)
            .Select(i => s with { Steps = s.Steps.Take(i).Concat(s.Steps.Skip(i + 1)).ToList() }));
    }

    public override string ToString() => $"leaders [{string.Join(", ", Leaders)}], then {Final}: {string.Join("; ", Steps)}";
}
