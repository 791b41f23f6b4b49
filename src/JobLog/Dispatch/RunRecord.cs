using JobLog.Model;

namespace JobLog.Dispatch;

/// <summary>
/// One run of a job: an occurrence (or a manual trigger) from its claim to its outcome. Kept in the run store, never
/// as a job event: a run changes neither the job's version, nor its stream, nor its znode.
/// </summary>
/// <param name="Id">The store's key for the run, increasing in the order runs were recorded (the keyset of run pages).</param>
/// <param name="ScheduledAt">The occurrence's instant (<c>X-JobLog-Occurrence</c>); for a manual run, when it was asked for.</param>
/// <param name="TriggerId">Only for manual runs: the trigger's identity (each trigger is its own occurrence).</param>
/// <param name="ClaimedBy">The node whose dispatcher claimed it, with its leadership epoch; null while a trigger waits for the leader.</param>
/// <param name="Incarnation">The incarnation of the claimer's leadership (see <see cref="DispatchFenceToken"/>); null while unclaimed,
/// and for runs claimed before incarnations were recorded.</param>
/// <param name="Attempts">Calls begun so far (an attempt is counted when it begins, before the request is sent).</param>
public sealed record RunRecord(
    long Id,
    JobId Job,
    long JobVersion,
    DateTimeOffset ScheduledAt,
    RunKind Kind,
    Guid? TriggerId,
    string? ClaimedBy,
    long? Epoch,
    DateTimeOffset? ClaimedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    int Attempts,
    RunOutcome? Outcome,
    int? HttpStatus,
    string? Error,
    string? Incarnation = null)
{
    public bool InFlight => Outcome is null && ClaimedBy is not null;

    /// <summary>True when <paramref name="leadership"/> claimed this run (an unknown incarnation is nobody's).</summary>
    public bool ClaimedUnder(DispatchFenceToken leadership) =>
        ClaimedBy is not null && Incarnation == leadership.Incarnation && Epoch == leadership.Epoch;
}
