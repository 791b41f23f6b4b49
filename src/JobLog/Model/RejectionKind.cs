namespace JobLog.Model;

public enum RejectionKind
{
    /// <summary>The job has no events: nothing to change.</summary>
    NotFound,

    /// <summary>A job with this id already exists (active or deleted).</summary>
    AlreadyExists,

    /// <summary>The job exists but its state does not allow this command.</summary>
    InvalidTransition,

    /// <summary>The command gave a read-only field a value other than the job's; <see cref="Rejected.Fields"/> names them.</summary>
    ReadOnlyField,

    /// <summary>A field's value cannot be stored as given (a redacted secret with nothing to keep); <see cref="Rejected.Fields"/> names them.</summary>
    InvalidField,
}
