namespace JobLog.Integration.Dispatch.Model;

/// <summary>
/// Would-be leaders (distinct leaderships, of two elections and of nodes without ZooKeeper) and the steps they take; a
/// step of several commands runs them at the same time.
/// </summary>
public sealed record StoreProgram(IReadOnlyList<WouldBeLeader> Leaders, IReadOnlyList<IReadOnlyList<StoreCommand>> Steps)
{
    public override string ToString()
    {
        var leaders = string.Join(", ", Leaders.Select((l, i) => $"L{i} = {l}"));
        var steps = Steps.Select((step, i) =>
            $"{i + 1,3}. {(step.Count == 1 ? step[0].ToString() : $"together: {string.Join(" | ", step)}")}");
        return string.Join(Environment.NewLine, [$"leaders: {leaders}", .. steps]);
    }
}
