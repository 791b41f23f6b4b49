using JobLog.Model;
using JobLog.Node;
using JobLog.Store;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobLog.Cluster;

/// <summary>
/// The leader's safety net for the write path's mirror step: a change is committed before it is mirrored, and the node
/// that committed it may die or lose ZooKeeper in between. The relay tails the store's feed from the position the
/// mirror znode records, brings every job it sees up to its newest version there, and only then moves the position on.
/// </summary>
public sealed partial class MirrorRelay(
    ClusterPaths paths,
    JobMirror mirror,
    IJobEventStore store,
    ScheduleHolder schedule,
    IOptions<ClusterOptions> options,
    ILogger<MirrorRelay> logger)
{
    private readonly int _pageSize = options.Value.RelayPageSize;
    private readonly int _concurrency = options.Value.RelayConcurrency;
    private long _backlog;

    /// <summary>How many events the last pass found beyond the mirror position it started from (the mirror backlog gauge).</summary>
    public long Backlog => Interlocked.Read(ref _backlog);

    /// <summary>Mirrors everything the store's feed holds beyond the recorded position; returns how many events it read.</summary>
    public async Task<int> RelayOnceAsync(IZooKeeperClient client, CancellationToken cancellationToken)
    {
        var read = 0;
        while (true)
        {
            var (position, stat) = await ReadPositionAsync(client, cancellationToken);
            var page = await store.ReadAllAsync(position.Sequence, _pageSize, cancellationToken);
            if (page.Next == position.Sequence)
                return Done(read);
            read += page.Events.Count;
            await MirrorNewestAsync(client, page.Events, cancellationToken);
            try
            {
                await client.SetDataAsync(paths.Mirror, new MirrorPosition(page.Next).Encode(), stat.Version, cancellationToken);
            }
            catch (BadVersionException)
            {
                // Another relay (a leader that has not heard it was deposed) moved the position: read it again.
                continue;
            }
            if (page.Events.Count > 0)
                LogRelayed(logger, page.Events.Count, page.Next);
            if (page.ReachedEnd)
                return Done(read);
        }
    }

    private int Done(int read)
    {
        Interlocked.Exchange(ref _backlog, read);
        return read;
    }

    private async Task<(MirrorPosition Position, Stat Stat)> ReadPositionAsync(IZooKeeperClient client, CancellationToken cancellationToken)
    {
        var node = await client.GetDataAsync(paths.Mirror, false, cancellationToken);
        return (MirrorPosition.Decode(node.Data), node.Stat);
    }

    private async Task MirrorNewestAsync(IZooKeeperClient client, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        var newest = events.GroupBy(e => e.Job).Select(g => g.MaxBy(e => e.Version)!).ToList();
        var current = schedule.Current;
        // Started in order, a batch at a time, so that a client that answers at once (the model in property tests)
        // sees the same calls in the same order on every run.
        foreach (var batch in newest.Chunk(_concurrency))
        {
            await Task.WhenAll(batch.Select(recorded =>
            {
                // This node's schedule usually holds the job at that version already: then no store read is needed.
                var state = current.Find(recorded.Job) is { } job && job.Version == recorded.Version ? job : null;
                return mirror.MirrorAsync(client, recorded.Job, recorded.Version, recorded, state, cancellationToken);
            }));
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Relayed {EventCount} events of the store's feed; mirrored up to sequence {Sequence}")]
    private static partial void LogRelayed(ILogger logger, int eventCount, long sequence);
}
