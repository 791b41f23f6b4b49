namespace JobLog.Model;

public sealed record RestoreJob(JobId Job, Provenance By) : JobCommand(Job, By);
