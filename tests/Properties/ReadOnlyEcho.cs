namespace JobLog.Properties;

/// <summary>
/// An update of one job of a decided history that echoes the job's read-only fields as it read them, each omitted,
/// the same, or changed; <see cref="Sent"/> is what the client's body says.
/// </summary>
public sealed record ReadOnlyEcho(History History, JobId Job, Echo Enabled, Echo Status, Echo Version, Echo CreatedAt, Echo UpdatedAt)
{
    public JobState State => JobEvolution.Replay(History.Events.Where(e => e.Job == Job))!;

    public ReadOnlyFields Sent
    {
        get
        {
            var job = State;
            return new ReadOnlyFields(
                Pick(Enabled, job.Enabled, !job.Enabled),
                Pick<JobStatus>(Status, job.Status, job.Status == JobStatus.Active ? JobStatus.Deleted : JobStatus.Active),
                Pick(Version, job.Version, job.Version + 1),
                Pick(CreatedAt, job.CreatedAt, job.CreatedAt.AddMicroseconds(-1)),
                Pick(UpdatedAt, job.UpdatedAt, job.UpdatedAt.AddSeconds(1)));
        }
    }

    /// <summary>The fields sent with another value than the job's, in the order the contract lists them.</summary>
    public IReadOnlyList<string> ChangedFields =>
        new[] { ("enabled", Enabled), ("status", Status), ("version", Version), ("createdAt", CreatedAt), ("updatedAt", UpdatedAt) }
            .Where(f => f.Item2 == Echo.Changed)
            .Select(f => f.Item1)
            .ToList();

    public override string ToString()
    {
        var job = State;
        return $"job {Job} at version {job.Version} ({(job.Status == JobStatus.Active ? "active" : "deleted")}, "
               + $"{(job.Enabled ? "enabled" : "paused")}): enabled {Enabled}, status {Status}, version {Version}, "
               + $"createdAt {CreatedAt}, updatedAt {UpdatedAt}";
    }

    private static T? Pick<T>(Echo echo, T same, T changed)
        where T : struct => echo switch
    {
        Echo.Same => same,
        Echo.Changed => changed,
        _ => null,
    };
}
