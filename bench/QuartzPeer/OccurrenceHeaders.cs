using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace JobLog.QuartzPeer;

/// <summary>
/// The headers JobLog's dispatcher sends with every call (see the dispatch issue), built the same way here so the bench
/// receiver reads both sides alike.
/// </summary>
public static class OccurrenceHeaders
{
    public const string Job = "X-JobLog-Job";
    public const string Occurrence = "X-JobLog-Occurrence";
    public const string Attempt = "X-JobLog-Attempt";
    public const string IdempotencyKey = "Idempotency-Key";

    /// <summary>Names which peer process made the call, so the bench can tell whose jobs a killed peer held.</summary>
    public const string Instance = "X-Bench-Instance";

    public const string OccurrenceFormat = "yyyy-MM-ddTHH:mm:ss.fffffffZ";

    public static string FormatOccurrence(DateTimeOffset scheduled) =>
        scheduled.UtcDateTime.ToString(OccurrenceFormat, CultureInfo.InvariantCulture);

    /// <summary>The first 16 bytes of SHA-256 over "{job}\n{occurrence}", lowercase hex: the same on every attempt and node.</summary>
    public static string KeyOf(string job, string occurrence) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{job}\n{occurrence}")).AsSpan(0, 16));
}
