using JobLog.Commands;

namespace JobLog.Integration.Cluster;

/// <summary>A write whose append the test wants held: <see cref="Taken"/> completes once its transaction holds a sequence number.</summary>
internal sealed class HoldRequest(RealNode writer)
{
    public RealNode Writer { get; } = writer;

    public TaskCompletionSource Taken { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The write's answer to its client, once it was sent.</summary>
    public Task<CommandResult>? Answer { get; set; }
}
