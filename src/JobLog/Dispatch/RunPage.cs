namespace JobLog.Dispatch;

/// <summary>Runs newest first; <see cref="Next"/> is the <c>before</c> of the following page, null on the last one.</summary>
public sealed record RunPage(IReadOnlyList<RunRecord> Items, long? Next);
