using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using JobLog.Cluster;
using JobLog.Model;
using JobLog.ZooKeeper.Client;

namespace JobLog.Bench;

/// <summary>
/// The original design's apply path, kept as a baseline: a one-shot child watch on jobs/ and a one-shot data watch on
/// every job, and on any notification: list every child again and read every one again (re-arming the watches), applying
/// whatever version is new. Notifications that arrive during a pass are folded into one more pass. A change counts as
/// applied when the read that returned it completed (before the rest of its pass: generous to the baseline).
/// </summary>
public sealed class RelistingObserver : IAsyncDisposable
{
    private const int ReadsInFlight = 512;

    private readonly ZooKeeperClient _client;
    private readonly ClusterPaths _paths;
    private readonly AppliedWaits _waits;
    private readonly string _name;
    private readonly ConcurrentDictionary<string, long> _versions = new(StringComparer.Ordinal);
    private readonly Channel<bool> _dirty = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstPass = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _passes = Task.CompletedTask;
    private Task _notifications = Task.CompletedTask;

    private RelistingObserver(ZooKeeperClient client, ClusterPaths paths, AppliedWaits waits, string name)
    {
        _client = client;
        _paths = paths;
        _waits = waits;
        _name = name;
    }

    /// <summary>How many full passes (list + read every job) it has made.</summary>
    public int Passes { get; private set; }

    /// <summary>Connects, makes the first pass and returns; reports every later change to <paramref name="waits"/> as node <paramref name="name"/>.</summary>
    public static async Task<RelistingObserver> StartAsync(string connectionString, string root, AppliedWaits waits, string name, CancellationToken ct)
    {
        var client = await ZooKeeperClient.ConnectAsync(
            new ZooKeeperClientOptions(connectionString) { SessionTimeout = TimeSpan.FromSeconds(30), RequestTimeout = TimeSpan.FromSeconds(60) }, ct);
        var observer = new RelistingObserver(client, new ClusterPaths(root), waits, name);
        var events = client.WatchEvents(observer._stop.Token);
        observer._notifications = Task.Run(async () =>
        {
            await foreach (var _ in events)
                observer._dirty.Writer.TryWrite(true);
        });
        observer._dirty.Writer.TryWrite(true);
        observer._passes = Task.Run(() => observer.PassesAsync(observer._stop.Token));
        await observer._firstPass.Task.WaitAsync(TimeSpan.FromMinutes(5), ct);
        return observer;
    }

    private async Task PassesAsync(CancellationToken ct)
    {
        try
        {
            while (await _dirty.Reader.WaitToReadAsync(ct))
            {
                _dirty.Reader.TryRead(out _);
                await PassAsync(ct);
                Passes++;
                _firstPass.TrySetResult();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _firstPass.TrySetException(e);
            throw;
        }
    }

    private async Task PassAsync(CancellationToken ct)
    {
        var children = (await _client.GetChildrenAsync(_paths.Jobs, watch: true, ct)).Children;
        foreach (var chunk in children.Chunk(ReadsInFlight))
            await Task.WhenAll(chunk.Select(name => ReadAsync(name, ct)));
    }

    private async Task ReadAsync(string name, CancellationToken ct)
    {
        var job = JobId.Parse(name);
        var node = await _client.GetDataAsync(_paths.Job(job), watch: true, ct);
        var read = Stopwatch.GetTimestamp();
        if (JobZnode.TryDecode(job, node.Data) is not { } recorded)
            return;
        // Passes run one at a time and read each job once, so no two reads of one job race here.
        if (recorded.Version > _versions.GetValueOrDefault(name))
        {
            _versions[name] = recorded.Version;
            _waits.Report(_name, name, recorded.Version, read);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _client.DisposeAsync();
        await Task.WhenAll(_passes, _notifications).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}
