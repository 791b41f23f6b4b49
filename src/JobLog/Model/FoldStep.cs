namespace JobLog.Model;

/// <summary>
/// The result of folding one event: the schedule after it, and on a <see cref="ApplyOutcome.Gap"/>
/// the version the job expected next (the caller reads the store from there).
/// </summary>
public readonly record struct FoldStep(Schedule Schedule, ApplyOutcome Outcome, long ExpectedVersion);
