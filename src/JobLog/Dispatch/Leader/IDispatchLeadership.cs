namespace JobLog.Dispatch.Leader;

/// <summary>Whether this node may dispatch, and under which epoch (its fence in the run store).</summary>
public interface IDispatchLeadership
{
    bool IsLeader { get; }

    long Epoch { get; }
}
