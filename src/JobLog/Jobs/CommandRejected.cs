using JobLog.Model;

namespace JobLog.Jobs;

public sealed record CommandRejected(RejectionKind Kind, string Reason) : CommandResult;
