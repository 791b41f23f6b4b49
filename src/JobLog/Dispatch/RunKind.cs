namespace JobLog.Dispatch;

public enum RunKind
{
    /// <summary>An occurrence of the job's cron, dispatched on time.</summary>
    Scheduled,

    /// <summary>An occurrence that came due while no leader dispatched, run later under the job's misfire policy.</summary>
    CatchUp,

    /// <summary>Asked for with <c>POST /jobs/{id}/trigger</c>.</summary>
    Manual,
}
