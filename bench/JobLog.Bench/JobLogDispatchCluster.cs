using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace JobLog.Bench;

/// <summary>
/// Three JobLog nodes as users run them (separate processes on one PostgreSQL and one ZooKeeper), on a schema and
/// znode root of their own, with the dispatch settings of <see cref="JobLogDispatchSettings"/>.
/// </summary>
public sealed class JobLogDispatchCluster : IAsyncDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    private readonly string _postgres;
    private readonly string _schema;
    private readonly string _zooKeeper;
    private readonly string _root;
    private readonly Dictionary<string, ApiServerProcess?> _nodes = [];

    private JobLogDispatchCluster(string postgres, string schema, string zooKeeper, string root)
    {
        _postgres = postgres;
        _schema = schema;
        _zooKeeper = zooKeeper;
        _root = root;
    }

    public static async Task<JobLogDispatchCluster> StartAsync(
        string postgres, string schema, string zooKeeper, string root, int nodes, CancellationToken ct)
    {
        var cluster = new JobLogDispatchCluster(postgres, schema, zooKeeper, root);
        try
        {
            foreach (var id in Enumerable.Range(1, nodes).Select(k => $"dispatch-{k}"))
                await cluster.StartNodeAsync(id, ct);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates the workload's jobs through <c>POST /jobs</c>, spread over the nodes, each pointed at <paramref name="target"/>.</summary>
    public async Task CreateJobsAsync(DispatchWorkload workload, Uri target, CancellationToken ct)
    {
        var clients = Live.Select(n => new HttpClient { BaseAddress = n.BaseAddress, Timeout = TimeSpan.FromSeconds(60) }.Authorize()).ToArray();
        try
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, workload.Jobs),
                new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct },
                async (i, token) =>
                {
                    var id = workload.IdOf(i);
                    using var response = await clients[i % clients.Length].PostAsJsonAsync("/jobs", new
                    {
                        id,
                        name = $"dispatch bench {id}",
                        cron = workload.CronOf(i),
                        timeZone = "UTC",
                        target = new { url = target.ToString(), method = "POST" },
                    }, token);
                    if (!response.IsSuccessStatusCode)
                        throw new InvalidOperationException($"POST /jobs for {id} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(token)}");
                });
        }
        finally
        {
            foreach (var client in clients)
                client.Dispose();
        }
    }

    /// <summary>Waits until every live node's schedule holds <paramref name="jobs"/> jobs.</summary>
    public async Task WaitAppliedAsync(int jobs, TimeSpan within, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var counts = new List<int>();
            foreach (var node in Live)
                counts.Add((await ClusterAsync(node, ct)).GetProperty("jobCount").GetInt32());
            if (counts.All(c => c == jobs))
                return;
            if (clock.Elapsed > within)
                throw new TimeoutException($"The nodes hold {string.Join(", ", counts)} jobs, not {jobs}, after {within.TotalSeconds:0} s.");
            await Task.Delay(Poll, ct);
        }
    }

    /// <summary>The node that <c>/cluster</c> names as leader, once a live node names a live one.</summary>
    public async Task<string> LeaderAsync(TimeSpan within, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            foreach (var node in Live)
            {
                try
                {
                    if ((await ClusterAsync(node, ct)).GetProperty("leader").GetString() is { } leader && _nodes.GetValueOrDefault(leader) is not null)
                        return leader;
                }
                catch (HttpRequestException)
                {
                    // A node in the middle of losing its session; ask the next.
                }
            }
            if (clock.Elapsed > within)
                throw new TimeoutException($"No live node named a live leader within {within.TotalSeconds:0} s.");
            await Task.Delay(Poll, ct);
        }
    }

    /// <summary>kill -9 of one node: its process ends at once, its ZooKeeper session expires only after the timeout.</summary>
    /// <summary>Each live node's dispatcher state as /cluster shows it (for a note when a window delivered nothing).</summary>
    public async Task<string> DescribeDispatchersAsync(CancellationToken ct)
    {
        var lines = new List<string>();
        foreach (var (id, node) in _nodes)
        {
            if (node is null)
                continue;
            try
            {
                lines.Add($"{id}: {(await ClusterAsync(node, ct)).GetProperty("dispatcher")}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or KeyNotFoundException)
            {
                lines.Add($"{id}: /cluster not read: {e.Message}");
            }
        }
        return string.Join("; ", lines);
    }

    public async Task KillAsync(string nodeId)
    {
        if (_nodes.GetValueOrDefault(nodeId) is { } node)
            await node.DisposeAsync();
        _nodes[nodeId] = null;
    }

    /// <summary>Starts a killed node again under its id; returns once it is ready.</summary>
    public Task RestartAsync(string nodeId, CancellationToken ct) => StartNodeAsync(nodeId, ct);

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes.Values.OfType<ApiServerProcess>())
            await node.DisposeAsync();
        _nodes.Clear();
    }

    private IEnumerable<ApiServerProcess> Live => _nodes.Values.OfType<ApiServerProcess>();

    private async Task StartNodeAsync(string nodeId, CancellationToken ct) =>
        _nodes[nodeId] = await ApiServerProcess.StartAsync(
            _postgres, _schema, ct, Poll, JobLogDispatchSettings.For(nodeId, _zooKeeper, _root));

    private static async Task<JsonElement> ClusterAsync(ApiServerProcess node, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(30) }.Authorize();
        return await http.GetFromJsonAsync<JsonElement>("/cluster", ct);
    }
}
