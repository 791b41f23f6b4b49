namespace JobLog.Dispatch;

/// <summary>
/// Tests only (section <c>JobLog:Dispatch:Testing</c>): a simulated clock for the dispatcher, so a test can run a real
/// cluster across an instant far from today (a daylight-saving change, say) in seconds. Unset on every deployment.
/// </summary>
public sealed class DispatchTestingOptions
{
    /// <summary>
    /// What the dispatcher's clock reads at <see cref="ClockAnchor"/>; from there it runs at <see cref="ClockRate"/>.
    /// Null: the dispatcher uses the node's real clock (and the other two settings must be unset too).
    /// </summary>
    public DateTimeOffset? ClockStart { get; set; }

    /// <summary>Simulated seconds per real second (60: an hour a minute).</summary>
    public double? ClockRate { get; set; }

    /// <summary>
    /// The real instant at which the clock reads <see cref="ClockStart"/>; null: when the node starts. Nodes given the same
    /// anchor read the same time, so a failover (or a node started again) carries on where the last leader was.
    /// </summary>
    public DateTimeOffset? ClockAnchor { get; set; }

    /// <summary>What <see cref="IsValid"/> checks, as the node says it when it refuses to start.</summary>
    public const string Rules =
        "JobLog:Dispatch:Testing: ClockRate and ClockAnchor need ClockStart, and ClockRate is a multiplier above 0 and at most 1000000.";

    public bool IsValid() =>
        ClockStart is null
            ? ClockRate is null && ClockAnchor is null
            : ClockRate is not { } rate || (double.IsFinite(rate) && rate > 0 && rate <= 1_000_000);
}
