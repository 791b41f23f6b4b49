namespace JobLog.Properties.Dispatch;

public enum LeaderAction
{
    TakeOver,
    Tick,
    PollTriggers,
    Advance,
    Trigger,
    Release,
}
