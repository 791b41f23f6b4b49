using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using JobLog.Integration.Api;

namespace JobLog.Integration.Cluster;

/// <summary>
/// Clients writing as fast as they are answered, each through every node in turn: adds jobs of its own, then pauses,
/// resumes, deletes and restores them at the version it last saw. What each write was told goes into the
/// <see cref="WriteLedger"/>. A write that got no verdict leaves the job's state unknown to its writer, which reads it
/// again from a node before touching it next.
/// </summary>
public sealed class WriteLoad : IAsyncDisposable
{
    private readonly IReadOnlyList<ClusterNode> _nodes;
    private readonly WriteLedger _ledger;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _writers = [];

    private WriteLoad(IReadOnlyList<ClusterNode> nodes, WriteLedger ledger)
    {
        _nodes = nodes;
        _ledger = ledger;
    }

    /// <summary>Starts <paramref name="writers"/> clients on <paramref name="nodes"/> (a node that is down answers nothing; writers go on to the next).</summary>
    public static WriteLoad Start(IReadOnlyList<ClusterNode> nodes, WriteLedger ledger, int writers = 3)
    {
        var load = new WriteLoad(nodes, ledger);
        for (var i = 0; i < writers; i++)
        {
            var writer = i;
            load._writers.Add(Task.Run(() => load.WriteAsync(writer)));
        }
        return load;
    }

    /// <summary>Lets every writer finish the write it is in, then returns.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_writers);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task WriteAsync(int writer)
    {
        var random = new Random(writer);
        var jobs = new Dictionary<string, Known?>();
        var turn = writer;
        var created = 0;
        while (!_stop.IsCancellationRequested)
        {
            var node = _nodes[turn++ % _nodes.Count];
            if (jobs.Count < 3 || random.Next(6) == 0)
            {
                var id = $"w{writer}-{created++}-{Guid.NewGuid().ToString("N")[..6]}";
                jobs[id] = null;
                jobs[id] = await SendAsync(node, HttpMethod.Post, "/jobs", Http.Serialize(Http.NewJob(id)), null, "JobAdded");
                continue;
            }
            var job = jobs.Keys.ElementAt(random.Next(jobs.Count));
            if (jobs[job] is not { } known)
            {
                known = await ReadAsync(job);
                if (known is null)
                {
                    await PaceAsync();
                    // Never committed (or no node answers now): forget it, or try again on the next turn.
                    if (await ExistsNowhereAsync(job))
                        jobs.Remove(job);
                    continue;
                }
            }
            var (path, method, type) = known switch
            {
                { Deleted: true } => ($"/jobs/{job}/restore", HttpMethod.Post, "JobRestored"),
                _ when random.Next(5) == 0 => ($"/jobs/{job}", HttpMethod.Delete, "JobDeleted"),
                { Enabled: true } => ($"/jobs/{job}/pause", HttpMethod.Post, "JobPaused"),
                _ => ($"/jobs/{job}/resume", HttpMethod.Post, "JobResumed"),
            };
            jobs[job] = await SendAsync(node, method, path, null, $"\"{known.Version}\"", type);
        }
    }

    /// <summary>Sends one write; returns the job as the answer shows it, or null when the writer no longer knows it.</summary>
    private async Task<Known?> SendAsync(ClusterNode node, HttpMethod method, string path, string? body, string? ifMatch, string type)
    {
        HttpResponseMessage response;
        try
        {
            response = await node.Http.Send(method, path, body, ifMatch);
        }
        catch (Exception e) when (IsNoAnswer(e))
        {
            _ledger.Unanswer();
            await PaceAsync();
            return null;
        }
        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                var job = await response.Content.ReadFromJsonAsync<JsonElement>();
                var known = Known.From(job);
                _ledger.Acknowledge(job.GetProperty("id").GetString()!, known.Version, type);
                return known;
            }
            if ((int)response.StatusCode >= 500)
            {
                _ledger.Unanswer();
                await PaceAsync();
            }
            else
                _ledger.Refuse();
            return null;
        }
    }

    /// <summary>The job as the store has it now, through the first node that answers; null when none does or it does not exist.</summary>
    private async Task<Known?> ReadAsync(string job)
    {
        foreach (var node in _nodes.Where(n => n.IsRunning))
        {
            try
            {
                using var response = await node.Http.GetAsync($"/jobs/{job}");
                if (response.StatusCode == HttpStatusCode.OK)
                    return Known.From(await response.Content.ReadFromJsonAsync<JsonElement>());
                if (response.StatusCode == HttpStatusCode.NotFound)
                    return null;
            }
            catch (Exception e) when (IsNoAnswer(e))
            {
                // That node is down or busy: ask the next.
            }
        }
        return null;
    }

    private async Task<bool> ExistsNowhereAsync(string job)
    {
        foreach (var node in _nodes.Where(n => n.IsRunning))
        {
            try
            {
                using var response = await node.Http.GetAsync($"/jobs/{job}");
                return response.StatusCode == HttpStatusCode.NotFound;
            }
            catch (Exception e) when (IsNoAnswer(e))
            {
            }
        }
        return false;
    }

    /// <summary>
    /// The node gave no verdict: refused or dropped the connection, or did not answer in time. A node killed while the
    /// client connects can surface as a bare <see cref="SocketException"/> (reading the socket's remote end point
    /// after the peer reset it), not wrapped in <see cref="HttpRequestException"/>.
    /// </summary>
    private static bool IsNoAnswer(Exception e) => e is HttpRequestException or TaskCanceledException or SocketException or IOException;

    // A node or store that is down answers at once: without a pause the writers would only burn the machine's CPU.
    private Task PaceAsync() =>
        Task.Delay(TimeSpan.FromMilliseconds(50), _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);

    private sealed record Known(long Version, bool Enabled, bool Deleted)
    {
        public static Known From(JsonElement job) => new(
            job.GetProperty("version").GetInt64(),
            job.GetProperty("enabled").GetBoolean(),
            job.GetProperty("status").GetString() == "deleted");
    }
}
