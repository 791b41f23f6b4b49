using JobLog.Model;
using JobLog.Store;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using Microsoft.Extensions.Logging;

namespace JobLog.Cluster;

/// <summary>
/// Brings a job's znode up to a stream version. The znode's data version is always the stream version − 1: version 1
/// creates it, version N sets it only where it holds N − 1. So the mirror can never skip or reorder a change, and two
/// nodes mirroring the same job race safely: the loser finds the znode moved on and continues from there. Versions it
/// does not have at hand it reads from the store.
/// </summary>
public sealed partial class JobMirror(ClusterPaths paths, IJobEventStore store, ILogger<JobMirror> logger)
{
    // znode versions are 32-bit; a stream that long (two billion changes of one job) is left to the store's feed.
    private const long LongestMirroredStream = (long)int.MaxValue + 1;

    /// <summary>
    /// Makes the znode of <paramref name="job"/> hold at least <paramref name="version"/>. <paramref name="known"/> and
    /// <paramref name="knownState"/>, when given, are that version's event and the job after it, so the usual case (the
    /// znode one behind) costs one call and no store read. Returns false when the stream is too long to mirror.
    /// </summary>
    public async Task<bool> MirrorAsync(
        IZooKeeperClient client, JobId job, long version, RecordedEvent? known, JobState? knownState, CancellationToken cancellationToken)
    {
        if (version > LongestMirroredStream)
        {
            LogTooLong(logger, job.Value, version);
            return false;
        }
        var path = paths.Job(job);
        if (known is { } given && knownState is { } givenState && given.Version == version
            && await TryWriteAsync(client, path, given, givenState, cancellationToken))
            return true;

        IReadOnlyList<RecordedEvent>? stream = null;
        while (true)
        {
            var current = await client.ExistsAsync(path, false, cancellationToken) is { } stat ? stat.Version + 1L : 0L;
            if (current >= version)
                return true;
            stream ??= await store.ReadStreamAsync(job, version, cancellationToken);
            if (stream.Count < version)
                throw new InvalidOperationException($"The store has {stream.Count} events of job {job}, not {version}.");
            var after = JobEvolution.Replay(stream.Take((int)current))!;
            for (var next = current; next < version; next++)
            {
                var recorded = stream[(int)next];
                after = JobEvolution.Evolve(after, recorded)!;
                if (!await TryWriteAsync(client, path, recorded, after, cancellationToken))
                    break;
            }
        }
    }

    /// <summary>Writes <paramref name="recorded"/> where the znode holds the version before it; false when it does not.</summary>
    private static async Task<bool> TryWriteAsync(
        IZooKeeperClient client, string path, RecordedEvent recorded, JobState state, CancellationToken cancellationToken)
    {
        var data = JobZnode.Encode(recorded, state);
        try
        {
            if (recorded.Version == 1)
                await client.CreateAsync(path, data, CreateMode.Persistent, null, cancellationToken);
            else
                await client.SetDataAsync(path, data, (int)(recorded.Version - 2), cancellationToken);
            return true;
        }
        catch (Exception e) when (e is NodeExistsException or BadVersionException or NoNodeException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} is at version {Version}, beyond what a znode's version counts; it reaches other nodes through the store only")]
    private static partial void LogTooLong(ILogger logger, string jobId, long version);
}
