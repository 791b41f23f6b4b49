namespace JobLog.Model;

public sealed record DeleteJob(JobId Job, Provenance By) : JobCommand(Job, By);
