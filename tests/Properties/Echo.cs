namespace JobLog.Properties;

/// <summary>What a client sends back for one read-only field of a job it read: nothing, the job's value, or another one.</summary>
public enum Echo
{
    Omitted,
    Same,
    Changed,
}
