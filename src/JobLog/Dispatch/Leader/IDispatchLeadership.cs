namespace JobLog.Dispatch.Leader;

/// <summary>Whether this node may dispatch, and under which leadership (its token at the run store's fence).</summary>
public interface IDispatchLeadership
{
    /// <summary>The leadership this node holds now; null while it does not lead.</summary>
    DispatchFenceToken? Current { get; }

    /// <summary>Completes when <see cref="Current"/> may have changed; taken before reading it, a change in between still wakes the waiter.</summary>
    Task Changed { get; }
}
