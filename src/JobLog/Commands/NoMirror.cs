using JobLog.Model;

namespace JobLog.Commands;

/// <summary>A node without a cluster announces nothing; other nodes find its changes in the store.</summary>
public sealed class NoMirror : IChangeMirror
{
    public static readonly NoMirror Instance = new();

    public Task MirrorAsync(RecordedEvent recorded, JobState after, CancellationToken cancellationToken) => Task.CompletedTask;
}
