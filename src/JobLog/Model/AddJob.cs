namespace JobLog.Model;

public sealed record AddJob(JobId Job, JobDefinition Definition, bool Enabled, Provenance By) : JobCommand(Job, By);
