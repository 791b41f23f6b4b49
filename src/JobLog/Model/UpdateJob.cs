namespace JobLog.Model;

public sealed record UpdateJob(JobId Job, JobDefinition Definition, Provenance By) : JobCommand(Job, By);
