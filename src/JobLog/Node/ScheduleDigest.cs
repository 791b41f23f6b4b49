using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using JobLog.Model;

namespace JobLog.Node;

/// <summary>
/// A digest of a whole schedule that two nodes compare to know they hold the same one: the lowercase hex SHA-256 of the
/// concatenation, in ordinal job-id order, of each job's SHA-256 of its canonical JSON
/// (<see cref="ScheduleSerializer.ToCanonicalJson(JobState)"/>: id, definition, enabled, status, version, createdAt,
/// updatedAt; deleted jobs included). A job's hash is kept as long as its state object lives, and a schedule's digest as
/// long as that snapshot lives, so asking again never serializes every job again.
/// </summary>
public static class ScheduleDigest
{
    private static readonly ConditionalWeakTable<JobState, byte[]> JobHashes = new();
    private static readonly ConditionalWeakTable<Schedule, string> Digests = new();

    public static string Of(Schedule schedule) => Digests.GetValue(schedule, Compute);

    private static string Compute(Schedule schedule)
    {
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var job in schedule.Jobs)
            digest.AppendData(JobHashes.GetValue(job, static j => SHA256.HashData(ScheduleSerializer.ToCanonicalJson(j))));
        return Convert.ToHexStringLower(digest.GetHashAndReset());
    }
}
