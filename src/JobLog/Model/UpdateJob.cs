namespace JobLog.Model;

public sealed record UpdateJob(JobId Job, JobDefinition Definition, Provenance By) : JobCommand(Job, By)
{
    /// <summary>Read-only fields the client sent back with the definition; each must equal the job's own value.</summary>
    public ReadOnlyFields ReadOnly { get; init; } = ReadOnlyFields.None;
}
