namespace JobLog.Model;

/// <summary>A request to change one job. <see cref="JobDecider"/> turns it into an event or a rejection.</summary>
public abstract record JobCommand(JobId Job, Provenance By);
