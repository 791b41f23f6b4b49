namespace JobLog.Model;

public sealed record PauseJob(JobId Job, Provenance By) : JobCommand(Job, By);
