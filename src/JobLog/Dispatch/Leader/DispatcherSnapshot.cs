using JobLog.Model;

namespace JobLog.Dispatch.Leader;

/// <summary>The dispatcher's state as <c>/cluster</c> and <c>/schedule</c> show it.</summary>
/// <param name="Leading">This node leads (by its election) and is allowed to dispatch.</param>
/// <param name="Dispatching">It has taken over and is dispatching now (false while it takes over or after it was fenced).</param>
/// <param name="LastLateness">How late the last delivery began after its scheduled instant.</param>
public sealed record DispatcherSnapshot(
    bool Leading,
    bool Dispatching,
    long? Epoch,
    int DueQueueLength,
    int InFlight,
    TimeSpan? LastLateness,
    IReadOnlyDictionary<JobId, InFlightRun> InFlightByJob)
{
    /// <summary>The incarnation of the leadership shown (see <see cref="DispatchFenceToken"/>); null with <see cref="Epoch"/>.</summary>
    public string? Incarnation { get; init; }

    public static readonly DispatcherSnapshot Idle = new(false, false, null, 0, 0, null, new Dictionary<JobId, InFlightRun>());
}
