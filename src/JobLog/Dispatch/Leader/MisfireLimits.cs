namespace JobLog.Dispatch.Leader;

/// <summary>The node's bounds on catch-up (from <see cref="DispatchOptions"/>).</summary>
public sealed record MisfireLimits(int MaxCatchUpRuns, int MaxMisfireRecords)
{
    public static MisfireLimits From(DispatchOptions options) => new(options.MaxCatchUpRuns, options.MaxMisfireRecords);
}
