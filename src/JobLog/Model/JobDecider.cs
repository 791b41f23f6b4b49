namespace JobLog.Model;

/// <summary>
/// The command side: validates a command against the job's current state and returns the single event it
/// causes, or a rejection. Only an accepted event ever reaches the store. A definition enters its event in
/// canonical form (<see cref="JobDefinitionRules.Canonicalize"/>), so the event, and every node's fold of it,
/// carries the zone database's spelling of the time zone, whichever spelling the command had.
/// </summary>
public static class JobDecider
{
    public static Decision Decide(JobState? state, JobCommand command) => (state, command) switch
    {
        (null, AddJob add) => new Accepted(new JobAdded(add.Job, JobDefinitionRules.Canonicalize(add.Definition), add.Enabled, add.By)),
        (not null, AddJob add) => new Rejected(RejectionKind.AlreadyExists, $"Job '{add.Job}' already exists."),
        (null, _) => new Rejected(RejectionKind.NotFound, $"Job '{command.Job}' does not exist."),

        // Before the transition rules: a client that sent back another status or enabled flag is told how to change
        // those, not that its update does not apply to the job's state.
        (JobState current, UpdateJob update) when update.ReadOnly.Differences(current) is { Count: > 0 } changed =>
            new Rejected(RejectionKind.ReadOnlyField, $"Cannot update job '{update.Job}': {Describe(changed)}") { Fields = changed },

        // A repair of what the job already holds, deleted or not: it changes no status, so no transition rule applies.
        (JobState current, SealSecrets seal) when ClearSecrets.In(current.Definition.Target).Count > 0 =>
            new Accepted(new JobUpdated(seal.Job, current.Definition, seal.By)),
        (_, SealSecrets) => Invalid(command, "it holds no secret value in clear"),

        ({ Status: JobStatus.Deleted }, RestoreJob restore) => new Accepted(new JobRestored(restore.Job, restore.By)),
        (_, RestoreJob) => Invalid(command, "it is not deleted"),
        ({ Status: JobStatus.Deleted }, _) => Invalid(command, "it is deleted; restore it first"),

        (_, UpdateJob update) => new Accepted(new JobUpdated(update.Job, JobDefinitionRules.Canonicalize(update.Definition), update.By)),
        ({ Enabled: true }, PauseJob pause) => new Accepted(new JobPaused(pause.Job, pause.By)),
        (_, PauseJob) => Invalid(command, "it is already paused"),
        ({ Enabled: false }, ResumeJob resume) => new Accepted(new JobResumed(resume.Job, resume.By)),
        (_, ResumeJob) => Invalid(command, "it is not paused"),
        (_, DeleteJob delete) => new Accepted(new JobDeleted(delete.Job, delete.By)),

        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown command."),
    };

    private static Rejected Invalid(JobCommand command, string why) =>
        new(RejectionKind.InvalidTransition, $"Cannot {Verb(command)} job '{command.Job}': {why}.");

    private static string Describe(IReadOnlyList<FieldError> fields) =>
        string.Join(" ", fields.Select(f => $"{f.Field} {f.Message}"));

    private static string Verb(JobCommand command) => command switch
    {
        UpdateJob => "update",
        PauseJob => "pause",
        ResumeJob => "resume",
        DeleteJob => "delete",
        RestoreJob => "restore",
        SealSecrets => "seal the secrets of",
        _ => command.GetType().Name,
    };
}
