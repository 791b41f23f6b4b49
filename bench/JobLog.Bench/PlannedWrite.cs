namespace JobLog.Bench;

/// <param name="Version">The version the job is at; the write makes Version + 1.</param>
public sealed record PlannedWrite(int Index, string Job, long Version, bool Enabled)
{
    public long NewVersion => Version + 1;
}
