namespace JobLog.Properties;

/// <summary>Commands as a client might send them, valid or not, in the order they reach the decider.</summary>
public sealed class CommandScript(IReadOnlyList<Step> steps)
{
    public IReadOnlyList<Step> Steps { get; } = steps;

    public override string ToString() =>
        Steps.Count == 0 ? "(no commands)" : Environment.NewLine + string.Join(Environment.NewLine, Steps);
}
