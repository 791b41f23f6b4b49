namespace JobLog.Properties.Dispatch;

/// <param name="Value">The leader's index, or the seconds the clock moves.</param>
public sealed record LeaderStep(LeaderAction Action, int Value)
{
    public override string ToString() => Action switch
    {
        LeaderAction.Advance => $"+{Value}s",
        LeaderAction.Release or LeaderAction.Trigger => Action.ToString(),
        _ => $"{Action}(leader {Value})",
    };
}
