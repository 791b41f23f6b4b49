namespace JobLog.Dispatch;

/// <summary>How a run ended, as its dispatcher records it.</summary>
public sealed record RunCompletion(RunOutcome Outcome, DateTimeOffset EndedAt, int? HttpStatus, string? Error);
