using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using JobLog.Integration.Api;
using JobLog.Integration.Fixtures;
using JobLog.Model;
using JobLog.Node;
using JobLog.Store;
using Marten;
using Xunit;

namespace JobLog.Integration.Cluster;

/// <summary>
/// Nodes of the built API as separate processes, each with its own node id, on one fresh schema and one fresh znode root,
/// with a short ZooKeeper session timeout so that faults resolve in seconds. Reads the store itself to know what every
/// node must end up holding.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    /// <summary>Short, so a dead node's session expires soon; long enough for a loaded 2-core machine not to expire live ones.</summary>
    public static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(5);

    /// <summary>What the issue promises after every fault: all digests equal to the store's fold within twice the session timeout.</summary>
    public static readonly TimeSpan ConvergeWithin = 2 * SessionTimeout;

    private readonly DocumentStore _documents;
    private readonly IJobEventStore _store;

    private TestCluster(string postgres, string zooKeeper, int size, Func<int, IReadOnlyDictionary<string, string>>? settings)
    {
        Schema = PostgresFixture.NewSchemaName();
        Root = $"/cluster-{Guid.NewGuid().ToString("N")[..12]}";
        _documents = JobLogMarten.CreateDocumentStore(postgres, Schema);
        _store = new MartenJobEventStore(_documents);
        Nodes = Enumerable.Range(0, size).Select(i =>
        {
            var id = $"node-{(char)('a' + i)}";
            var port = ApiProcess.FreePort();
            var sessionFile = Path.Combine(Path.GetTempPath(), $"joblog-session-{Guid.NewGuid():N}");
            var environment = new Dictionary<string, string>
            {
                ["JOBLOG_POSTGRES"] = postgres,
                ["JOBLOG_ZOOKEEPER"] = zooKeeper,
                ["JOBLOG_NODE_ID"] = id,
                ["JobLog__Schema"] = Schema,
                ["JobLog__ZooKeeper__Root"] = Root,
                ["JobLog__ZooKeeper__SessionTimeout"] = SessionTimeout.ToString("c", CultureInfo.InvariantCulture),
                ["JobLog__ZooKeeper__RequestTimeout"] = "00:00:03",
                ["JobLog__Testing__SessionFile"] = sessionFile,
                ["Logging__LogLevel__Default"] = "Information",
                ["Logging__LogLevel__Microsoft"] = "Warning",
                ["Logging__LogLevel__Polly"] = "Warning",
                ["Logging__Console__FormatterOptions__SingleLine"] = "true",
            };
            foreach (var (key, value) in settings?.Invoke(i) ?? new Dictionary<string, string>())
                environment[key] = value;
            return new ClusterNode(id, port, sessionFile, environment);
        }).ToList();
    }

    public string Schema { get; }

    public string Root { get; }

    public IReadOnlyList<ClusterNode> Nodes { get; }

    public IEnumerable<ClusterNode> Running => Nodes.Where(n => n.IsRunning);

    /// <param name="settings">Extra settings for node i (0-based), e.g. a test hook for one node only.</param>
    public static TestCluster Create(
        string postgres, string zooKeeper, int size = 3, Func<int, IReadOnlyDictionary<string, string>>? settings = null) =>
        new(postgres, zooKeeper, size, settings);

    /// <summary>Starts every node that is not running, together, and returns once each reports ready.</summary>
    public async Task StartAsync() => await Task.WhenAll(Nodes.Where(n => !n.IsRunning).Select(n => n.StartAsync()));

    /// <summary>Starts the nodes one after the other: the first joins the election first, so it leads.</summary>
    public async Task StartInOrderAsync()
    {
        foreach (var node in Nodes.Where(n => !n.IsRunning))
            await node.StartAsync();
    }

    /// <summary>The job's version in the store now (0: no such job).</summary>
    public async Task<long> StoreVersionAsync(string job) =>
        (await _store.ReadStreamAsync(JobId.Parse(job), CancellationToken.None)).Count;

    /// <summary>The running node that ZooKeeper shows as leader, once every running node agrees on one.</summary>
    public async Task<ClusterNode> LeaderAsync(TimeSpan within)
    {
        string? leader = null;
        string? failure = null;
        await Eventually(async () =>
        {
            var statuses = await TryStatusesAsync(e => failure = e);
            leader = statuses?[0].Leader;
            return statuses is not null && leader is not null && statuses.All(s => s.Leader == leader) && Running.Any(n => n.Id == leader);
        }, within, () => $"every running node shows the same running leader; last failure: {failure}{Environment.NewLine}{Describe()}");
        return Nodes.Single(n => n.Id == leader);
    }

    public async Task<IReadOnlyList<ClusterStatus>> StatusesAsync() => await Task.WhenAll(Running.Select(n => n.StatusAsync()));

    /// <summary>
    /// Every running node's status, or null when one gives no answer now (busy past the client's timeout on a loaded
    /// machine, or just restarting): a wait on the statuses looks again instead of failing. Says why to <paramref name="failed"/>.
    /// </summary>
    public async Task<IReadOnlyList<ClusterStatus>?> TryStatusesAsync(Action<string> failed)
    {
        try
        {
            return await StatusesAsync();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            failed($"{e.GetType().Name}: {e.Message}");
            return null;
        }
    }

    /// <summary>Every event of the store, folded: what every node's schedule must equal.</summary>
    public async Task<Schedule> StoreFoldAsync()
    {
        var events = new List<RecordedEvent>();
        var after = 0L;
        while (true)
        {
            var page = await _store.ReadAllAsync(after, 1_000, CancellationToken.None);
            events.AddRange(page.Events);
            after = page.Next;
            if (page.ReachedEnd)
                return Schedule.Fold(events);
        }
    }

    /// <summary>
    /// Waits until every running node is connected to ZooKeeper and its digest is the digest of the store's fold, then
    /// checks that every acknowledged write is in the store and in every running node's schedule.
    /// </summary>
    public async Task AssertConvergedAsync(WriteLedger ledger, TimeSpan within)
    {
        string? expected = null;
        IReadOnlyList<ClusterStatus> statuses = [];
        string? failure = null;
        await Eventually(async () =>
        {
            try
            {
                expected = ScheduleDigest.Of(await StoreFoldAsync());
                statuses = await StatusesAsync();
                failure = null;
                return statuses.All(s => s.ZooKeeper == "connected" && s.Digest == expected);
            }
            catch (Exception e)
            {
                // A node or the store still coming back: look again until the deadline, then say what failed.
                failure = $"{e.GetType().Name}: {e.Message}";
                return false;
            }
        }, within, () => $"every running node connected, with the store's digest {expected}; {ledger}; last failure: {failure}"
                         + $"{Environment.NewLine}{string.Join(Environment.NewLine, statuses)}{Environment.NewLine}{Describe()}");
        await AssertNoAcknowledgedWriteLostAsync(ledger);
    }

    /// <summary>Every acknowledged write is in the store (that version, made by that event) and in every running node's schedule.</summary>
    public async Task AssertNoAcknowledgedWriteLostAsync(WriteLedger ledger)
    {
        var streams = new Dictionary<string, IReadOnlyList<RecordedEvent>>();
        foreach (var write in ledger.Acknowledged)
        {
            if (!streams.TryGetValue(write.Job, out var stream))
                streams[write.Job] = stream = await _store.ReadStreamAsync(JobId.Parse(write.Job), CancellationToken.None);
            Assert.True(stream.Count >= write.Version, $"the store has {stream.Count} events of {write.Job}, acknowledged: {write}");
            Assert.Equal(write.EventType, JobEventTypes.NameOf(stream[(int)write.Version - 1].Event));
        }
        foreach (var node in Running)
        {
            var versions = await ScheduleVersionsAsync(node);
            foreach (var write in ledger.Acknowledged)
                Assert.True(versions.GetValueOrDefault(write.Job) >= write.Version,
                    $"{node.Id} holds {write.Job} at version {versions.GetValueOrDefault(write.Job)}, acknowledged: {write}");
        }
    }

    /// <summary>Every job in the node's schedule (GET /jobs answers from it) with its version.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> ScheduleVersionsAsync(ClusterNode node)
    {
        var versions = new Dictionary<string, long>();
        string? after = null;
        do
        {
            var path = "/jobs?status=all&limit=500" + (after is null ? "" : $"&after={after}");
            var page = await node.Http.GetFromJsonAsync<JsonElement>(path);
            foreach (var job in page.GetProperty("items").EnumerateArray())
                versions[job.GetProperty("id").GetString()!] = job.GetProperty("version").GetInt64();
            after = page.GetProperty("next").ValueKind == JsonValueKind.String ? page.GetProperty("next").GetString() : null;
        }
        while (after is not null);
        return versions;
    }

    /// <summary>The tail of every node's output, for a failure message.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        foreach (var node in Nodes)
            text.AppendLine($"--- {node.Id} ({(node.IsRunning ? "running" : "stopped")}) ---").AppendLine(node.OutputTail(25));
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Nodes.Select(n => n.DisposeAsync().AsTask()));
        await _documents.DisposeAsync();
    }
}
