using System.Globalization;

namespace JobLog.Model;

/// <summary>
/// The read-only fields of a job as a client sent them back with an update (null: not sent). A client that reads a
/// job, changes a field and sends the whole representation back repeats these; they are accepted when they equal
/// the job's values at the version the update is decided on, and name themselves as errors when they do not, since
/// an update cannot change them.
/// </summary>
public sealed record ReadOnlyFields(
    bool? Enabled = null,
    JobStatus? Status = null,
    long? Version = null,
    DateTimeOffset? CreatedAt = null,
    DateTimeOffset? UpdatedAt = null)
{
    public static readonly ReadOnlyFields None = new();

    /// <summary>Every field sent with a value other than <paramref name="job"/>'s, with how it is changed instead.</summary>
    public IReadOnlyList<FieldError> Differences(JobState job)
    {
        var errors = new List<FieldError>();
        if (Enabled is { } enabled && enabled != job.Enabled)
            errors.Add(new FieldError("enabled",
                $"is {Text(job.Enabled)} at version {job.Version} and an update does not change it: pause or resume the job instead."));
        if (Status is { } status && status != job.Status)
            errors.Add(new FieldError("status",
                $"is {Text(job.Status)} at version {job.Version} and an update does not change it: delete or restore the job instead."));
        if (Version is { } version && version != job.Version)
            errors.Add(new FieldError("version",
                $"is {job.Version}, the version in If-Match; versions are set by the server: send the version you read as If-Match."));
        if (CreatedAt is { } created && created != job.CreatedAt)
            errors.Add(new FieldError("createdAt", $"is {Text(job.CreatedAt)}; it is set by the server: send it unchanged or leave it out."));
        if (UpdatedAt is { } updated && updated != job.UpdatedAt)
            errors.Add(new FieldError("updatedAt", $"is {Text(job.UpdatedAt)}; it is set by the server: send it unchanged or leave it out."));
        return errors;
    }

    private static string Text(bool value) => value ? "true" : "false";

    private static string Text(JobStatus status) => status.ToString().ToLowerInvariant();

    private static string Text(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);
}
