namespace JobLog.Dispatch;

/// <summary>
/// The run store refused a write because the fence does not hold the caller's leadership (another leader took over,
/// or, for a take-over, a later leader of the caller's own election holds it): the caller must stop dispatching at once.
/// </summary>
public sealed class FencedException(DispatchFenceToken token, FenceHolder fence)
    : Exception($"Leadership {token} is fenced off: the run store's fence holds {fence}.")
{
    public DispatchFenceToken Token { get; } = token;

    public FenceHolder Fence { get; } = fence;
}
