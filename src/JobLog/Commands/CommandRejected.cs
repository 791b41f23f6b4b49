using JobLog.Model;

namespace JobLog.Commands;

public sealed record CommandRejected(RejectionKind Kind, string Reason) : CommandResult
{
    /// <summary>The command's fields at fault when <see cref="Kind"/> is <see cref="RejectionKind.ReadOnlyField"/>.</summary>
    public IReadOnlyList<FieldError> Fields { get; init; } = [];
}
