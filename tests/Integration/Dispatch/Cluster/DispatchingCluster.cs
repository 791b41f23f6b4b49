using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using JobLog.Dispatch;
using JobLog.Integration.Api;
using JobLog.Integration.Cluster;
using JobLog.Testing;
using Xunit;

namespace JobLog.Integration.Dispatch.Cluster;

/// <summary>
/// A <see cref="TestCluster"/> whose leader dispatches to a <see cref="WebhookReceiver"/> on loopback, and what a test
/// reads back: the deliveries the receiver got and the run records every node shows.
/// </summary>
public sealed class DispatchingCluster : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private DispatchingCluster(TestCluster cluster, WebhookReceiver receiver)
    {
        Cluster = cluster;
        Receiver = receiver;
    }

    public TestCluster Cluster { get; }

    public WebhookReceiver Receiver { get; }

    /// <param name="zooKeeper">A ZooKeeper of the test's own instead of the servers' (one the test wipes, say).</param>
    /// <param name="beforeStart">Runs once the cluster's schema and znode root are chosen, before any node starts.</param>
    /// <param name="startNodes">False: the nodes are made but not started; the test starts them (<see cref="ClusterNode.StartAsync"/>).</param>
    public static async Task<DispatchingCluster> StartAsync(
        ClusterServers servers,
        int size = 3,
        IReadOnlyDictionary<string, string>? settings = null,
        string? zooKeeper = null,
        Func<TestCluster, Task>? beforeStart = null,
        bool startNodes = true)
    {
        var receiver = await WebhookReceiver.StartAsync();
        var environment = new Dictionary<string, string>
        {
            ["JobLog__Dispatch__Targets__Allow__0"] = "127.0.0.0/8",
            // A lost leader's call can no longer be running after a few seconds (the receiver answers at once).
            ["JobLog__Dispatch__MaxInDoubtWaitSeconds"] = "5",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            environment[key] = value;
        var cluster = TestCluster.Create(
            servers.Postgres.ConnectionString, zooKeeper ?? servers.ZooKeeper.ConnectionString, size, settings: _ => environment);
        try
        {
            if (beforeStart is not null)
                await beforeStart(cluster);
            if (startNodes)
                await cluster.StartInOrderAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            await receiver.DisposeAsync();
            throw;
        }
        return new DispatchingCluster(cluster, receiver);
    }

    /// <summary>
    /// Creates a job firing on <paramref name="cron"/> (in <paramref name="timeZone"/>, under <paramref name="policy"/> when
    /// given) at the receiver's path <c>/hook/{id}</c>, through <paramref name="node"/>.
    /// </summary>
    public async Task<string> CreateJobAsync(
        ClusterNode node, string cron, string? id = null, string? timeZone = null, JsonObject? policy = null)
    {
        id ??= Http.NewId();
        var job = Http.NewJob(id, cron: cron);
        job["target"] = new JsonObject { ["url"] = Receiver.Url($"/hook/{id}") };
        if (timeZone is not null)
            job["timeZone"] = timeZone;
        if (policy is not null)
            job["policy"] = policy;
        var response = await node.Http.PostAsJsonAsync("/jobs", job);
        await Http.Expect(response, HttpStatusCode.Created);
        return id;
    }

    /// <summary>Creates the job as given through <paramref name="node"/>.</summary>
    public static async Task CreateAsync(ClusterNode node, JsonObject job)
    {
        var response = await node.Http.PostAsJsonAsync("/jobs", job);
        await Http.Expect(response, HttpStatusCode.Created);
    }

    /// <summary>Makes one lifecycle change (<c>pause</c>, <c>resume</c>, <c>delete</c>, <c>restore</c>) and returns the instant it was made.</summary>
    public static async Task<DateTimeOffset> ChangeAsync(ClusterNode node, string id, string change)
    {
        var current = await node.Http.GetAsync($"/jobs/{id}");
        await Http.Expect(current, HttpStatusCode.OK);
        var response = change == "delete"
            ? await node.Http.Send(HttpMethod.Delete, $"/jobs/{id}", null, Http.ETag(current))
            : await node.Http.Send(HttpMethod.Post, $"/jobs/{id}/{change}", null, Http.ETag(current));
        await Http.Expect(response, HttpStatusCode.OK);
        return (await Http.Json(response))["updatedAt"]!.GetValue<DateTimeOffset>();
    }

    /// <summary>Pauses the job through <paramref name="node"/>; returns when the pause was acknowledged.</summary>
    public static Task<DateTimeOffset> PauseAsync(ClusterNode node, string id) => ChangeAsync(node, id, "pause");

    /// <summary>Deliveries of <paramref name="id"/>'s occurrences in arrival order.</summary>
    public IReadOnlyList<ReceivedRequest> DeliveriesOf(string id) => Receiver.RequestsTo($"/hook/{id}");

    /// <summary>Every run of the job as <paramref name="node"/> reads them, oldest first.</summary>
    public static async Task<IReadOnlyList<JsonElement>> RunsOfAsync(ClusterNode node, string id)
    {
        var runs = new List<JsonElement>();
        string? before = null;
        do
        {
            var page = await node.Http.GetFromJsonAsync<JsonElement>($"/jobs/{id}/runs?limit=1000" + (before is null ? "" : $"&before={before}"));
            runs.AddRange(page.GetProperty("items").EnumerateArray().Select(r => r.Clone()));
            before = page.GetProperty("next") is { ValueKind: JsonValueKind.Number or JsonValueKind.String } next ? next.ToString() : null;
        }
        while (before is not null);
        runs.Reverse();
        return runs;
    }

    /// <summary>Waits until no run of the jobs is without an outcome, as <paramref name="node"/> reads them.</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<JsonElement>>> SettledRunsAsync(ClusterNode node, IReadOnlyList<string> ids)
    {
        var runs = new Dictionary<string, IReadOnlyList<JsonElement>>();
        await Wait.Eventually(async () =>
        {
            foreach (var id in ids)
                runs[id] = await RunsOfAsync(node, id);
            return runs.Values.All(list => list.All(r => r.GetProperty("outcome").ValueKind == JsonValueKind.String));
        }, Patience, () => "every run has an outcome; unfinished: " + string.Join(", ", runs.Values.SelectMany(l => l)
            .Where(r => r.GetProperty("outcome").ValueKind != JsonValueKind.String).Select(r => r.ToString())));
        return runs;
    }

    /// <summary>
    /// The accounting the issue asks for, per job: no occurrence delivered twice; one run record per occurrence from its
    /// first one up to <paramref name="owedUntil"/>; each succeeded run delivered exactly once and each delivery a run's.
    /// </summary>
    public void AssertAccounted(string id, IReadOnlyList<JsonElement> runs, DateTimeOffset owedUntil, TimeSpan every)
    {
        var deliveries = DeliveriesOf(id);
        var delivered = deliveries.GroupBy(d => d.Header(RunHeaders.Occurrence)!).ToDictionary(g => g.Key, g => g.Count());
        var twice = delivered.Where(d => d.Value > 1).Select(d => $"{d.Key} x{d.Value}").ToList();
        Assert.True(twice.Count == 0, $"{id}: occurrences delivered more than once: {string.Join(", ", twice)}");

        var scheduled = runs.Where(r => r.GetProperty("kind").GetString() != "manual")
            .GroupBy(r => RunHeaders.FormatOccurrence(r.GetProperty("scheduledAt").GetDateTimeOffset()))
            .ToDictionary(g => g.Key, g => g.ToList());
        Assert.True(scheduled.Values.All(g => g.Count == 1), $"{id}: an occurrence with more than one run record");
        Assert.NotEmpty(scheduled);
        var first = scheduled.Keys.Select(k => DateTimeOffset.Parse(k, System.Globalization.CultureInfo.InvariantCulture)).Min();
        var missing = new List<string>();
        for (var at = first; at <= owedUntil; at += every)
        {
            if (!scheduled.ContainsKey(RunHeaders.FormatOccurrence(at)))
                missing.Add(RunHeaders.FormatOccurrence(at));
        }
        Assert.True(missing.Count == 0, $"{id}: occurrences without a run record: {string.Join(", ", missing.Take(20))}");

        foreach (var (occurrence, records) in scheduled)
        {
            var run = records[0];
            var outcome = run.GetProperty("outcome").GetString();
            var count = delivered.GetValueOrDefault(occurrence);
            if (outcome == "succeeded")
                Assert.True(count == 1, $"{id}: run {run} succeeded but was delivered {count} times");
            else if (outcome is "misfired" or "skipped")
                Assert.True(count == 0, $"{id}: run {run} was {outcome} but delivered {count} times");
        }
        var unexplained = delivered.Keys.Where(o => !scheduled.ContainsKey(o)).ToList();
        Assert.True(unexplained.Count == 0, $"{id}: deliveries without a run record: {string.Join(", ", unexplained)}");
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}
