namespace JobLog.Properties.Dispatch;

/// <summary>
/// Jobs (their crons) added at the rig's start, how long no leader dispatched before the term took over, and the steps.
/// </summary>
public sealed record DispatchScenario(IReadOnlyList<string> Crons, int LeaderlessSeconds, IReadOnlyList<DispatchStep> Steps)
{
    public static readonly string[] CronChoices = ["* * * * * *", "*/2 * * * * *", "*/3 * * * * *", "*/5 * * * * *", "0 * * * * *"];

    public static Arbitrary<DispatchScenario> Arbitrary()
    {
        var step = Gen.Frequency(
            (6, Gen.Frequency((5, Gen.Choose(1, 4)), (1, Gen.Choose(5, 90))).Select(s => (DispatchStep)new DispatchStep.Advance(s))),
            (1, Gen.Choose(0, 2).Select(j => (DispatchStep)new DispatchStep.Pause(j))),
            (1, Gen.Choose(0, 2).Select(j => (DispatchStep)new DispatchStep.Resume(j))),
            (1, Gen.Choose(0, 2).Select(j => (DispatchStep)new DispatchStep.Delete(j))),
            (1, Gen.Choose(0, 2).Select(j => (DispatchStep)new DispatchStep.Restore(j))),
            (1, Gen.Choose(0, 2).SelectMany(j => Gen.Elements(CronChoices).Select(c => (DispatchStep)new DispatchStep.Update(j, c)))));
        var gen =
            from jobs in Gen.Choose(1, 3)
            from crons in Gen.ArrayOf(Gen.Elements(CronChoices), jobs)
            from leaderless in Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(1, 30)))
            from length in Gen.Choose(0, 30)
            from steps in Gen.ArrayOf(step, length)
            select new DispatchScenario(crons, leaderless, steps);
        return Arb.From(gen, Shrink);
    }

    private static IEnumerable<DispatchScenario> Shrink(DispatchScenario s)
    {
        for (var i = 0; i < s.Steps.Count; i++)
            yield return s with { Steps = s.Steps.Take(i).Concat(s.Steps.Skip(i + 1)).ToList() };
        if (s.LeaderlessSeconds > 0)
            yield return s with { LeaderlessSeconds = 0 };
        if (s.Crons.Count > 1)
            yield return s with { Crons = s.Crons.Take(s.Crons.Count - 1).ToList() };
    }

    public override string ToString() =>
        $"jobs [{string.Join(", ", Crons.Select(c => $"'{c}'"))}], leaderless {LeaderlessSeconds} s, steps: {string.Join("; ", Steps)}";
}
