namespace JobLog.Integration.Dispatch.Model;

/// <summary>
/// Would-be leaders and the steps they take; a step of several commands runs them at the same time. The leader with
/// the largest epoch is the live one: nobody can fence it.
/// </summary>
public sealed record StoreProgram(IReadOnlyList<WouldBeLeader> Leaders, IReadOnlyList<IReadOnlyList<StoreCommand>> Steps)
{
    public int Live => Leaders.Select((l, i) => (l.Epoch, i)).Max().i;

    public override string ToString()
    {
        var leaders = string.Join(", ", Leaders.Select((l, i) => $"L{i} = {l.Node}@{l.Epoch}{(i == Live ? " (live)" : "")}"));
        var steps = Steps.Select((step, i) =>
            $"{i + 1,3}. {(step.Count == 1 ? step[0].ToString() : $"together: {string.Join(" | ", step)}")}");
        return string.Join(Environment.NewLine, [$"leaders: {leaders}", .. steps]);
    }
}
