namespace JobLog.Model;

/// <summary>The outcome of <see cref="JobDecider.Decide"/>: exactly one of an event to append or a rejection.</summary>
public abstract record Decision;

public sealed record Accepted(IJobEvent Event) : Decision;

public sealed record Rejected(RejectionKind Kind, string Reason) : Decision
{
    /// <summary>The command's fields at fault, for a rejection of its input rather than of the job's state.</summary>
    public IReadOnlyList<FieldError> Fields { get; init; } = [];
}
