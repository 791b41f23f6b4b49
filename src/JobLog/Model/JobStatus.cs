namespace JobLog.Model;

public enum JobStatus
{
    Active,
    Deleted,
}
