namespace JobLog.Model;

/// <summary>What the leader does with an occurrence of a job whose previous run is still in flight.</summary>
public enum ConcurrencyPolicy
{
    /// <summary>The new occurrence is not run; it is recorded as skipped.</summary>
    Forbid,

    /// <summary>Both run.</summary>
    Allow,

    /// <summary>The run in flight is cancelled (recorded as failed, replaced) and the new occurrence runs.</summary>
    Replace,
}
