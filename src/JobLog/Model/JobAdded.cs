namespace JobLog.Model;

public sealed record JobAdded(JobId Job, JobDefinition Definition, bool Enabled, Provenance By) : IJobEvent;
