using System.ComponentModel.DataAnnotations;

namespace JobLog.Dispatch;

/// <summary>How the leader dispatches (section <c>JobLog:Dispatch</c>).</summary>
public sealed class DispatchOptions
{
    public const string Section = "JobLog:Dispatch";

    /// <summary>False: this node never dispatches, even when it leads (for nodes that only serve the API).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>At most this many missed occurrences of one job run as catch-up runs under <c>fireAll</c>.</summary>
    [Range(1, 100_000)]
    public int MaxCatchUpRuns { get; set; } = 100;

    /// <summary>
    /// Missed occurrences that do not run are recorded one by one, the latest this many per job; one misfired run stands
    /// for all the earlier ones and names the first and last of them.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxMisfireRecords { get; set; } = 1000;

    /// <summary>How often the leader looks for manual triggers besides the store's notifications.</summary>
    [Range(0.01, 3600)]
    public double TriggerPollSeconds { get; set; } = 1;

    /// <summary>How often a node checks whether it leads (and with which epoch), besides being woken by every change of the election.</summary>
    [Range(0.01, 60)]
    public double LeadershipPollSeconds { get; set; } = 0.2;

    /// <summary>
    /// The longest a new leader waits for a deposed leader's call in progress to end before it records the run as in
    /// doubt (the wait is otherwise the job's timeout times its remaining attempts plus its backoff).
    /// </summary>
    [Range(0, 86_400)]
    public double MaxInDoubtWaitSeconds { get; set; } = 600;

    /// <summary>Occurrences claimed in one statement at most; a larger tick is claimed in several.</summary>
    [Range(1, 100_000)]
    public int ClaimBatchSize { get; set; } = 1000;

    /// <summary>
    /// How long before its instant an occurrence is claimed, so the claim's write (one statement for every occurrence due
    /// in the same tick) is not part of its lateness. The job is looked at again at its instant: paused, deleted or
    /// changed so that it no longer fires then, it is not called; a concurrency policy is applied at the instant.
    /// </summary>
    [Range(0, 10)]
    public double ClaimAheadSeconds { get; set; } = 0.5;

    /// <summary>
    /// How long before its instant a claimed occurrence's first attempt is recorded as begun (the record every call is
    /// preceded by); the call itself waits for the instant. Capped by <see cref="ClaimAheadSeconds"/>.
    /// </summary>
    [Range(0, 10)]
    public double BeginAheadSeconds { get; set; } = 0.1;

    /// <summary>
    /// Fault tests only: <c>step:jobId</c> pairs separated by <c>;</c> (steps in <see cref="Leader.CrashPoints.Steps"/>) at which
    /// the leader kills its own process once. Null: never.
    /// </summary>
    public string? CrashAt { get; set; }

    /// <summary>Fault tests only: where the once-only markers of <see cref="CrashAt"/> are kept (shared by the nodes).</summary>
    public string? CrashMarkers { get; set; }

    /// <summary>
    /// Tests only: a simulated clock for the dispatcher (<c>Testing:ClockStart</c>, <c>ClockRate</c>, <c>ClockAnchor</c>;
    /// see <see cref="DispatchTestingOptions"/>). Unset: the dispatcher uses the node's clock.
    /// </summary>
    public DispatchTestingOptions Testing { get; set; } = new();

    public TimeSpan ClaimAhead => TimeSpan.FromSeconds(ClaimAheadSeconds);

    public TimeSpan BeginAhead => TimeSpan.FromSeconds(Math.Min(BeginAheadSeconds, ClaimAheadSeconds));

    public TimeSpan TriggerPoll => TimeSpan.FromSeconds(TriggerPollSeconds);

    public TimeSpan LeadershipPoll => TimeSpan.FromSeconds(LeadershipPollSeconds);

    public TimeSpan MaxInDoubtWait => TimeSpan.FromSeconds(MaxInDoubtWaitSeconds);
}
