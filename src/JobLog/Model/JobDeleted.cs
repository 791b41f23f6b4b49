namespace JobLog.Model;

public sealed record JobDeleted(JobId Job, Provenance By) : IJobEvent;
