namespace JobLog.Dispatch.Leader;

public interface IDispatcherState
{
    DispatcherSnapshot Snapshot();
}
