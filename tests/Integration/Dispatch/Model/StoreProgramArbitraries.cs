using FsCheck;
using FsCheck.Fluent;
using JobLog.Dispatch;

namespace JobLog.Integration.Dispatch.Model;

/// <summary>
/// Programs of 2 or 3 would-be leaders with distinct leaderships: epochs of two elections, whose orders cannot be
/// compared with each other's, and nodes without ZooKeeper (the same node may appear twice, elected again). Every
/// command is valid in any state, so a failing program shrinks by dropping steps, by running a concurrent step one
/// command after another, by simplifying commands and by using fewer leaders.
/// </summary>
public static class StoreProgramArbitraries
{
    public const int MaxSteps = 20;

    public static Arbitrary<StoreProgram> Programs() => Arb.From(Generator, Shrink);

    private static readonly string[] Elections = ["election-a", "election-b"];

    public static Gen<StoreProgram> Generator { get; } =
        from count in Gen.Choose(2, 3)
        from epochs in Gen.Shuffle(Enumerable.Range(1, 6).ToArray())
        from nodes in Gen.ArrayOf(Gen.Elements("a", "b"), count)
        // 0 and 1: the elections; 2: a node without ZooKeeper (epoch 0, an incarnation of its own).
        from kinds in Gen.ArrayOf(Gen.Frequency((3, Gen.Constant(0)), (2, Gen.Constant(1)), (2, Gen.Constant(2))), count)
        from length in Gen.Sized(size => Gen.Choose(1, Math.Clamp(size, 1, MaxSteps)))
        from steps in Gen.ArrayOf(Step(count), length)
        select new StoreProgram(
            [.. Enumerable.Range(0, count).Select(i => new WouldBeLeader(nodes[i], kinds[i] == 2
                ? new DispatchFenceToken($"alone-{i}", 0)
                : new DispatchFenceToken(Elections[kinds[i]], epochs[i])))],
            steps);

    public static IEnumerable<StoreProgram> Shrink(StoreProgram program)
    {
        var steps = program.Steps;
        for (var size = steps.Count; size >= 1; size /= 2)
        {
            for (var start = 0; start + size <= steps.Count; start += size)
                yield return program with { Steps = [.. steps.Take(start), .. steps.Skip(start + size)] };
        }
        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i].Count > 1)
            {
                yield return program with { Steps = [.. steps.Take(i), .. steps[i].Select(c => (IReadOnlyList<StoreCommand>)[c]), .. steps.Skip(i + 1)] };
                for (var drop = 0; drop < steps[i].Count; drop++)
                    yield return program with { Steps = Replace(steps, i, [.. steps[i].Where((_, j) => j != drop)]) };
            }
            for (var j = 0; j < steps[i].Count; j++)
            {
                foreach (var simpler in Simpler(steps[i][j]))
                    yield return program with { Steps = Replace(steps, i, [.. steps[i].Take(j), simpler, .. steps[i].Skip(j + 1)]) };
            }
        }
        var last = program.Leaders.Count - 1;
        if (last >= 2 && steps.All(step => step.All(c => c.Leader != last || c.Kind == StoreCommandKind.Trigger)))
            yield return program with { Leaders = program.Leaders.Take(last).ToList() };
    }

    private static Gen<IReadOnlyList<StoreCommand>> Step(int leaders) =>
        Gen.Frequency(
            (7, Command(leaders).Select(c => (IReadOnlyList<StoreCommand>)[c])),
            (3, from count in Gen.Choose(2, 3)
                from commands in Gen.ArrayOf(Command(leaders), count)
                select (IReadOnlyList<StoreCommand>)commands));

    private static Gen<StoreCommand> Command(int leaders)
    {
        var leader = Gen.Choose(0, leaders - 1);
        var occurrence = Gen.Choose(0, StoreCommand.Occurrences - 1);
        var run = Gen.Frequency((4, occurrence), (1, Gen.Choose(StoreCommand.Occurrences, StoreCommand.Occurrences + 1)));
        var batch = Gen.Choose(1, 3).SelectMany(n => Gen.ArrayOf(occurrence, n));
        return Gen.Frequency(
            (3, leader.Select(l => new StoreCommand(StoreCommandKind.TakeOver, l, [0], 0))),
            (20, from l in leader from slots in batch from kind in Gen.Choose(0, 1)
                 select new StoreCommand(StoreCommandKind.Claim, l, slots, kind)),
            (3, from l in leader from slots in batch from outcome in Gen.Choose(0, 1)
                select new StoreCommand(StoreCommandKind.Resolve, l, slots, outcome)),
            (15, from l in leader from slot in run from attempt in Gen.Choose(1, 3)
                 select new StoreCommand(StoreCommandKind.Begin, l, [slot], attempt)),
            (4, from l in leader from slot in run from outcome in Gen.Choose(0, 2)
                 select new StoreCommand(StoreCommandKind.Complete, l, [slot], outcome)),
            (15, from l in leader from slot in run
                 select new StoreCommand(StoreCommandKind.Adopt, l, [slot], 0)),
            (3, Gen.Choose(0, 1).Select(job => new StoreCommand(StoreCommandKind.Trigger, 0, [0], job))),
            (5, from l in leader from trigger in Gen.Choose(0, 1)
                select new StoreCommand(StoreCommandKind.ClaimTrigger, l, [StoreCommand.Occurrences + trigger], 0)));
    }

    private static IEnumerable<StoreCommand> Simpler(StoreCommand command)
    {
        if (command.Kind is StoreCommandKind.Claim or StoreCommandKind.Resolve && command.Slots.Count > 1)
        {
            for (var i = 0; i < command.Slots.Count; i++)
                yield return command with { Slots = [.. command.Slots.Where((_, j) => j != i)] };
        }
        if (command.Number > (command.Kind == StoreCommandKind.Begin ? 1 : 0))
            yield return command with { Number = command.Kind == StoreCommandKind.Begin ? 1 : 0 };
        if (command.Leader > 0 && command.Kind != StoreCommandKind.Trigger)
            yield return command with { Leader = 0 };
    }

    private static IReadOnlyList<IReadOnlyList<StoreCommand>> Replace(
        IReadOnlyList<IReadOnlyList<StoreCommand>> steps, int index, IReadOnlyList<StoreCommand> step) =>
        [.. steps.Take(index), step, .. steps.Skip(index + 1)];
}
