namespace JobLog.Dispatch;

/// <summary>The answer to one claim: the run now owned by the caller, or null when another claim of the occurrence exists.</summary>
public sealed record ClaimResult(OccurrenceClaim Claim, RunRecord? Run);
