using System.ComponentModel.DataAnnotations;

namespace JobLog.Node;

public sealed class CatchUpOptions
{
    public const string Section = "JobLog:CatchUp";

    /// <summary>How often the global feed is tailed when nothing nudges it sooner, while ZooKeeper is not connected.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan TailInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often stream versions are compared with the store to repair events the tail missed, while ZooKeeper is not connected.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// While ZooKeeper is connected (changes arrive through it within milliseconds), how often the store is still tailed
    /// and reconciled, as a safety net for anything lost between the two.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan SafetyNetInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long after its last successful sync the node still counts as caught up.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan MaxLag { get; set; } = TimeSpan.FromSeconds(5);

    [Range(1, 100_000)]
    public int PageSize { get; set; } = 5_000;

    /// <summary>How many streams one store read fetches when the node repairs streams it is behind on.</summary>
    [Range(1, 10_000)]
    public int RepairBatchSize { get; set; } = 1_000;

    /// <summary>Wait before trying again after the store failed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);
}
