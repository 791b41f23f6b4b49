namespace JobLog.Dispatch;

/// <summary>
/// The run store refused a write because a leader with a larger epoch has taken over: the caller is deposed and must
/// stop dispatching at once.
/// </summary>
public sealed class FencedException(long epoch, long fence)
    : Exception($"Epoch {epoch} is fenced off: a leader with epoch {fence} has taken over.")
{
    public long Epoch { get; } = epoch;

    public long Fence { get; } = fence;
}
