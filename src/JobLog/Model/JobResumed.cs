namespace JobLog.Model;

public sealed record JobResumed(JobId Job, Provenance By) : IJobEvent;
