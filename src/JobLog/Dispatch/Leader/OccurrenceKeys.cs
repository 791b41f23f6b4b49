using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace JobLog.Dispatch.Leader;

/// <summary>
/// The occurrence text (<c>X-JobLog-Occurrence</c>) and the <c>Idempotency-Key</c> of a run, the same on every attempt and
/// on every node (shared design "The call"). The webhook sender's <c>RunHeaders</c> must produce the same values.
/// </summary>
public static class OccurrenceKeys
{
    public static string OccurrenceText(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static string IdempotencyKey(RunRecord run) =>
        run is { Kind: RunKind.Manual, TriggerId: { } trigger }
            ? trigger.ToString("N")
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{run.Job.Value}\n{OccurrenceText(run.ScheduledAt)}")), 0, 16);
}
