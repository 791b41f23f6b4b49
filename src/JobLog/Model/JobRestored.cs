namespace JobLog.Model;

public sealed record JobRestored(JobId Job, Provenance By) : IJobEvent;
