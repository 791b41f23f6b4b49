namespace JobLog.Properties;

/// <summary>
/// An oracle for the job lifecycle written from the rules, not from the model: what a command must lead to,
/// and which event may follow which. Null means the job has no events yet.
/// </summary>
public readonly record struct Lifecycle(bool Deleted, bool Enabled)
{
    /// <summary>The event type a command must produce, or the rejection it must get.</summary>
    public static (Type? Event, RejectionKind? Rejection) Expect(Lifecycle? job, JobCommand command) => (job, command) switch
    {
        (null, AddJob) => (typeof(JobAdded), null),
        (null, _) => (null, RejectionKind.NotFound),
        (_, AddJob) => (null, RejectionKind.AlreadyExists),
        ({ Deleted: true }, RestoreJob) => (typeof(JobRestored), null),
        ({ Deleted: true }, _) => (null, RejectionKind.InvalidTransition),
        (_, RestoreJob) => (null, RejectionKind.InvalidTransition),
        (_, UpdateJob) => (typeof(JobUpdated), null),
        (_, DeleteJob) => (typeof(JobDeleted), null),
        ({ Enabled: true }, PauseJob) => (typeof(JobPaused), null),
        ({ Enabled: false }, ResumeJob) => (typeof(JobResumed), null),
        _ => (null, RejectionKind.InvalidTransition),
    };

    /// <summary>Whether <paramref name="e"/> may be the next event of a job in state <paramref name="job"/>.</summary>
    public static bool IsLegal(Lifecycle? job, IJobEvent e) => (job, e) switch
    {
        (null, JobAdded) => true,
        (null, _) => false,
        (_, JobAdded) => false,
        ({ Deleted: true }, JobRestored) => true,
        ({ Deleted: true }, _) => false,
        (_, JobRestored) => false,
        (_, JobUpdated or JobDeleted) => true,
        ({ Enabled: true }, JobPaused) => true,
        ({ Enabled: false }, JobResumed) => true,
        _ => false,
    };

    public static Lifecycle After(Lifecycle? job, IJobEvent e) => e switch
    {
        JobAdded a => new Lifecycle(false, a.Enabled),
        JobPaused => job!.Value with { Enabled = false },
        JobResumed => job!.Value with { Enabled = true },
        JobDeleted => job!.Value with { Deleted = true },
        JobRestored => job!.Value with { Deleted = false },
        _ => job!.Value,
    };

    /// <summary>The lifecycle of every job after all of <paramref name="events"/>, which must be legal.</summary>
    public static Dictionary<JobId, Lifecycle> Of(IEnumerable<RecordedEvent> events)
    {
        var jobs = new Dictionary<JobId, Lifecycle>();
        foreach (var e in events)
            jobs[e.Job] = After(jobs.TryGetValue(e.Job, out var j) ? j : null, e.Event);
        return jobs;
    }
}
