using System.ComponentModel.DataAnnotations;

namespace JobLog.Api.Auth;

/// <summary>How many writes one identity may make per window; the rest are 429 with <c>Retry-After</c>.</summary>
public sealed class WriteRateLimitOptions
{
    public const string Section = "JobLog:Auth:RateLimit";

    [Range(1, int.MaxValue)]
    public int PermitLimit { get; set; } = 600;

    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
