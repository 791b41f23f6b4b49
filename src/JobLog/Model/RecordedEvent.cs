namespace JobLog.Model;

/// <summary>
/// An event as the store committed it: its position in the job's stream (<paramref name="Version"/>, from 1),
/// its position in the global commit order (<paramref name="Sequence"/>) and the store's commit time.
/// </summary>
public sealed record RecordedEvent(IJobEvent Event, long Version, long Sequence, DateTimeOffset Timestamp)
{
    public JobId Job => Event.Job;
}
