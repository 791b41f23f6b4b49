using JobLog.Model;

namespace JobLog.Api.Api;

public sealed record JobView(
    string Id,
    string Name,
    string Cron,
    string TimeZone,
    TargetView Target,
    PolicyView Policy,
    bool Enabled,
    string Status,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static JobView From(JobState job) => new(
        job.Id.Value,
        job.Definition.Name,
        job.Definition.Cron,
        job.Definition.TimeZone,
        TargetView.From(job.Definition.Target),
        PolicyView.From(job.Definition.Policy),
        job.Enabled,
        StatusName(job.Status),
        job.Version,
        job.CreatedAt,
        job.UpdatedAt);

    public static string StatusName(JobStatus status) => status switch
    {
        JobStatus.Active => "active",
        JobStatus.Deleted => "deleted",
        _ => status.ToString().ToLowerInvariant(),
    };
}
