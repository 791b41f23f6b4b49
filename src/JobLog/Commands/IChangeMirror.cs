using JobLog.Model;

namespace JobLog.Commands;

/// <summary>
/// Where a committed change is announced to the other nodes before the client hears back (the ZooKeeper mirror in a
/// cluster). Best effort by contract: the change is committed already, so a failure is logged and repaired later from
/// the store, never reported to the client.
/// </summary>
public interface IChangeMirror
{
    Task MirrorAsync(RecordedEvent recorded, JobState after, CancellationToken cancellationToken);
}
