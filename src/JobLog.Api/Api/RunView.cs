using JobLog.Dispatch;

namespace JobLog.Api.Api;

/// <summary>One run as the API shows it; <c>outcome</c> is null while it is in flight (or waits for the leader).</summary>
/// <param name="LatenessMs">How late its first attempt began after its scheduled instant (startedAt - scheduledAt), in milliseconds.</param>
public sealed record RunView(
    long Id,
    string JobId,
    long JobVersion,
    DateTimeOffset ScheduledAt,
    string Kind,
    string? TriggerId,
    ClaimedByView? ClaimedBy,
    DateTimeOffset? ClaimedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    int Attempts,
    string? Outcome,
    int? HttpStatus,
    string? Error,
    double? LatenessMs)
{
    public static RunView From(RunRecord run) => new(
        run.Id,
        run.Job.Value,
        run.JobVersion,
        run.ScheduledAt,
        RunNames.NameOf(run.Kind),
        run.TriggerId?.ToString("N"),
        run is { ClaimedBy: { } node, Epoch: { } epoch } ? new ClaimedByView(node, epoch, run.Incarnation) : null,
        run.ClaimedAt,
        run.StartedAt,
        run.EndedAt,
        run.Attempts,
        run.Outcome is { } outcome ? RunNames.NameOf(outcome) : null,
        run.HttpStatus,
        run.Error,
        run.StartedAt is { } started ? (started - run.ScheduledAt).TotalMilliseconds : null);
}
