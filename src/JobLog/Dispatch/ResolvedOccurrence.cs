namespace JobLog.Dispatch;

/// <summary>An occurrence recorded with its outcome at once, without a call (misfired, skipped).</summary>
public sealed record ResolvedOccurrence(OccurrenceClaim Claim, RunCompletion Completion);
