using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using JobLog.Model;

namespace JobLog.Dispatch;

/// <summary>
/// The headers every call to a target carries besides the job's own, and how their values are written: the one place
/// that knows, for the sender, the dispatcher and the tests that read what a target received.
/// </summary>
public static class RunHeaders
{
    public const string Job = "X-JobLog-Job";
    public const string Occurrence = "X-JobLog-Occurrence";
    public const string Attempt = "X-JobLog-Attempt";
    public const string Version = "X-JobLog-Version";
    public const string IdempotencyKey = "Idempotency-Key";

    /// <summary>Seven fractional digits always, so the text of one instant is one string on every node.</summary>
    public const string OccurrenceFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    /// <summary>Every header name JobLog sets; a job header with one of these names (in any case) is replaced by JobLog's.</summary>
    public static IReadOnlyList<string> Names { get; } = [Job, Occurrence, Attempt, Version, IdempotencyKey];

    public static bool IsReserved(string headerName) =>
        Names.Any(name => string.Equals(name, headerName, StringComparison.OrdinalIgnoreCase));

    /// <summary>The scheduled instant in UTC, e.g. <c>2026-11-26T05:00:00.0000000Z</c>, whatever offset it was given with.</summary>
    public static string FormatOccurrence(DateTimeOffset scheduledAt) =>
        scheduledAt.UtcDateTime.ToString(OccurrenceFormat, CultureInfo.InvariantCulture);

    public static bool TryParseOccurrence(string? text, out DateTimeOffset scheduledAt) =>
        DateTimeOffset.TryParseExact(
            text, OccurrenceFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out scheduledAt);

    public static string FormatAttempt(int attempt) => attempt.ToString(CultureInfo.InvariantCulture);

    public static string FormatVersion(long jobVersion) => jobVersion.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The idempotency key of a scheduled or catch-up occurrence: the lowercase hex of the first 16 bytes of SHA-256 over
    /// UTF-8 <c>"{jobId}\n{occurrence text}"</c>. It depends on nothing but the occurrence, so every attempt and every
    /// node (a new leader catching up included) sends the same key.
    /// </summary>
    public static string KeyForOccurrence(JobId job, DateTimeOffset scheduledAt)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{job.Value}\n{FormatOccurrence(scheduledAt)}"));
        return Convert.ToHexStringLower(hash, 0, 16);
    }

    /// <summary>A manual run's key is its trigger's id (each trigger is its own occurrence).</summary>
    public static string KeyForTrigger(Guid triggerId) => triggerId.ToString("N", CultureInfo.InvariantCulture);

    public static string KeyFor(RunRecord run) =>
        run.Kind == RunKind.Manual
            ? KeyForTrigger(run.TriggerId ?? throw new ArgumentException($"Manual run {run.Id} has no trigger id.", nameof(run)))
            : KeyForOccurrence(run.Job, run.ScheduledAt);
}
