using System.ComponentModel.DataAnnotations;

namespace JobLog.Store;

public sealed class StoreResilienceOptions
{
    public const string Section = "JobLog:Store";

    /// <summary>The most any one store call may take, retries included, before the caller gets an answer.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00")]
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries of an idempotent read; appends are never retried.</summary>
    [Range(0, 10)]
    public int ReadRetries { get; set; } = 2;

    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);
}
