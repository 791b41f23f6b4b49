namespace JobLog.Model;

public sealed record JobPaused(JobId Job, Provenance By) : IJobEvent;
