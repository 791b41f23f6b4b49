namespace JobLog.Model;

/// <summary>What the leader does with occurrences that came due while no leader was dispatching.</summary>
public enum MisfirePolicy
{
    /// <summary>One catch-up run for the missed occurrences (the latest one inside the catch-up window); the others are recorded as misfired.</summary>
    FireOnce,

    /// <summary>None is run; each is recorded as misfired.</summary>
    Skip,

    /// <summary>Each missed occurrence inside the catch-up window is run, at most the node's configured maximum.</summary>
    FireAll,
}
