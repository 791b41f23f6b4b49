namespace JobLog.Model;

public enum RejectionKind
{
    /// <summary>The job has no events: nothing to change.</summary>
    NotFound,

    /// <summary>A job with this id already exists (active or deleted).</summary>
    AlreadyExists,

    /// <summary>The job exists but its state does not allow this command.</summary>
    InvalidTransition,
}
