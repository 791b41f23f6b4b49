namespace JobLog.Model;

public sealed record JobUpdated(JobId Job, JobDefinition Definition, Provenance By) : IJobEvent;
