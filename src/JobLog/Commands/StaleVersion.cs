namespace JobLog.Commands;

/// <summary>The caller's expected version is not the job's current one; nothing was written.</summary>
public sealed record StaleVersion(long CurrentVersion) : CommandResult;
