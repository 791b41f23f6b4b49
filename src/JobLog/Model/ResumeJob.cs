namespace JobLog.Model;

public sealed record ResumeJob(JobId Job, Provenance By) : JobCommand(Job, By);
