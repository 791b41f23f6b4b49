namespace JobLog.Model;

/// <summary>One job as the fold sees it after <see cref="Version"/> events of its stream.</summary>
public sealed record JobState(
    JobId Id,
    JobDefinition Definition,
    bool Enabled,
    JobStatus Status,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public bool IsDue => Status == JobStatus.Active && Enabled;
}
