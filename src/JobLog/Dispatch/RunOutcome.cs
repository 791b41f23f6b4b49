namespace JobLog.Dispatch;

/// <summary>How a run ended. A run without an outcome is in flight (or its dispatcher was lost and the next leader will resolve it).</summary>
public enum RunOutcome
{
    Succeeded,
    Failed,
    TimedOut,
    Skipped,
    Misfired,
    Refused,
}
