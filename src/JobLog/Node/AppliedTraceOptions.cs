namespace JobLog.Node;

public sealed class AppliedTraceOptions
{
    public const string Section = "JobLog:Diagnostics";

    /// <summary>
    /// Writes one line to standard output for every event the schedule applies (see <see cref="AppliedTrace"/>): what
    /// the propagation benchmark reads instead of polling the node. Off by default.
    /// </summary>
    public bool TraceApplied { get; set; }
}
