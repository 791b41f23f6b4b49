using System.Text.Json;
using System.Text.Json.Nodes;
using JobLog.Dispatch;
using JobLog.Integration.Api;
using JobLog.Integration.Cluster;
using JobLog.Testing;
using Xunit;

namespace JobLog.Integration.Dispatch.Cluster;

/// <summary>What a leader records for targets that fail in each way, and for jobs paused, resumed, deleted and restored.</summary>
[Collection(ClusterServers.Collection)]
public sealed class DispatchOutcomeTests(ClusterServers servers)
{
    private static readonly TimeSpan Patience = DispatchingCluster.Patience;

    private static JsonObject Job(string id, string url, int timeoutSeconds = 30, int attempts = 3) => new()
    {
        ["id"] = id,
        ["name"] = id,
        ["cron"] = "*/2 * * * * *",
        ["target"] = new JsonObject { ["url"] = url, ["timeoutSeconds"] = timeoutSeconds },
        ["policy"] = new JsonObject
        {
            ["concurrency"] = "allow",
            ["retry"] = new JsonObject { ["attempts"] = attempts, ["backoffSeconds"] = 0, ["maxBackoffSeconds"] = 0 },
        },
    };

    private static bool Has(IEnumerable<JsonElement> runs, Func<JsonElement, bool> what) => runs.Any(what);

    private static string Text(JsonElement run, string name) =>
        run.GetProperty(name) is { ValueKind: JsonValueKind.String } value ? value.GetString()! : "";

    [Fact]
    public async Task A_timing_out_a_flaky_a_down_and_a_denied_target_each_end_as_recorded_and_a_healthy_target_on_another_host_is_unaffected()
    {
        await using var dispatching = await DispatchingCluster.StartAsync(servers, size: 1);
        await using var slowHost = await WebhookReceiver.StartAsync();
        var node = dispatching.Cluster.Nodes[0];
        var receiver = dispatching.Receiver;
        receiver.Script("/flaky", ScriptedResponse.WithStatus(500), ScriptedResponse.Ok);
        slowHost.Script("/slow", ScriptedResponse.Hang);
        var (slow, flaky, down, denied, healthy) = (Http.NewId(), Http.NewId(), Http.NewId(), Http.NewId(), Http.NewId());
        await DispatchingCluster.CreateAsync(node, Job(slow, slowHost.Url("/slow"), timeoutSeconds: 1, attempts: 2));
        await DispatchingCluster.CreateAsync(node, Job(flaky, receiver.Url("/flaky")));
        await DispatchingCluster.CreateAsync(node, Job(down, $"http://127.0.0.1:{ApiProcess.FreePort()}/gone"));
        await DispatchingCluster.CreateAsync(node, Job(denied, "http://169.254.169.254/latest/meta-data/"));
        await DispatchingCluster.CreateAsync(node, Job(healthy, receiver.Url($"/hook/{Http.NewId()}")));

        var runs = new Dictionary<string, IReadOnlyList<JsonElement>>();
        await Wait.Eventually(async () =>
        {
            foreach (var id in new[] { slow, flaky, down, denied, healthy })
                runs[id] = await DispatchingCluster.RunsOfAsync(node, id);
            return Has(runs[slow], r => Text(r, "outcome") == "timedOut")
                   && Has(runs[flaky], r => Text(r, "outcome") == "succeeded")
                   && Has(runs[down], r => Text(r, "error").Contains("circuit open", StringComparison.Ordinal))
                   && Has(runs[denied], r => Text(r, "outcome") == "refused")
                   && runs[healthy].Count(r => Text(r, "outcome") == "succeeded") >= 3;
        }, Patience, () => "each target's runs reach their outcome: " + string.Join(Environment.NewLine,
            runs.Select(r => $"{r.Key}: {string.Join("; ", r.Value.Select(v => $"{Text(v, "outcome")} {Text(v, "error")}"))}")));

        var timedOut = runs[slow].First(r => Text(r, "outcome") == "timedOut");
        Assert.Equal(2, timedOut.GetProperty("attempts").GetInt32());

        var firstFlaky = runs[flaky][0];
        Assert.Equal(("succeeded", 2, 200), (Text(firstFlaky, "outcome"), firstFlaky.GetProperty("attempts").GetInt32(), firstFlaky.GetProperty("httpStatus").GetInt32()));
        var calls = receiver.RequestsTo("/flaky").Where(r => r.Header(RunHeaders.Occurrence) == RunHeaders.FormatOccurrence(firstFlaky.GetProperty("scheduledAt").GetDateTimeOffset())).ToList();
        Assert.Equal(["1", "2"], calls.Select(c => c.Header(RunHeaders.Attempt)));
        Assert.Single(calls.Select(c => c.Header(RunHeaders.IdempotencyKey)).Distinct());

        Assert.All(runs[down].Where(r => Text(r, "outcome") != ""), r => Assert.Equal("failed", Text(r, "outcome")));
        var refused = runs[denied].First(r => Text(r, "outcome") == "refused");
        Assert.Contains("169.254.169.254", Text(refused, "error"), StringComparison.Ordinal);

        Assert.All(runs[healthy].Where(r => Text(r, "outcome") != ""), r => Assert.Equal("succeeded", Text(r, "outcome")));
    }

    [Fact]
    public async Task Every_node_marks_on_its_schedule_the_run_the_leader_is_delivering()
    {
        await using var dispatching = await DispatchingCluster.StartAsync(servers);
        var cluster = dispatching.Cluster;
        var id = Http.NewId();
        dispatching.Receiver.Script($"/hook/{id}", ScriptedResponse.Hang);
        var job = Job(id, dispatching.Receiver.Url($"/hook/{id}"), timeoutSeconds: 300, attempts: 1);
        job["policy"]!["concurrency"] = "forbid";
        await DispatchingCluster.CreateAsync(cluster.Nodes[0], job);
        await Wait.Eventually(() => dispatching.DeliveriesOf(id).Count >= 1, Patience, "the first call reaches the hanging target");
        var leader = await cluster.LeaderAsync(Patience);

        foreach (var node in cluster.Nodes)
        {
            JsonNode? marker = null;
            await Wait.Eventually(async () =>
            {
                var schedule = JsonNode.Parse(await node.Http.GetStringAsync("/schedule?count=10"))!;
                marker = schedule["items"]!.AsArray().FirstOrDefault(i => (string?)i!["jobId"] == id)?["inFlight"];
                return marker is JsonObject;
            }, Patience, () => $"{node.Id} ({(node == leader ? "leader" : "follower")}) shows the run in flight");
            var run = JsonNode.Parse(await node.Http.GetStringAsync($"/runs/{(long)marker!["runId"]!}"))!;
            Assert.Null(run["outcome"]);
            Assert.Equal(id, (string?)run["jobId"]);
            Assert.Equal((string?)run["scheduledAt"], (string?)marker["scheduledAt"]);
        }
    }

    [Fact]
    public async Task A_paused_or_deleted_job_stops_firing_and_a_resumed_or_restored_one_fires_again_owing_nothing_for_the_time_between()
    {
        await using var dispatching = await DispatchingCluster.StartAsync(servers, size: 1);
        var node = dispatching.Cluster.Nodes[0];
        var id = await dispatching.CreateJobAsync(node, "* * * * * *");
        await Wait.Eventually(() => dispatching.DeliveriesOf(id).Count >= 2, Patience, "2 deliveries");

        var stopped = new List<(DateTimeOffset From, DateTimeOffset To)>();
        foreach (var (stop, start) in new[] { ("pause", "resume"), ("delete", "restore") })
        {
            var stoppedAt = await DispatchingCluster.ChangeAsync(node, id, stop);
            var mark = dispatching.DeliveriesOf(id).Count;
            // Three occurrences come due while it is stopped.
            await Wait.Eventually(() => DateTimeOffset.UtcNow > stoppedAt + TimeSpan.FromSeconds(3), Patience, "3 s stopped");
            var startedAt = await DispatchingCluster.ChangeAsync(node, id, start);
            stopped.Add((stoppedAt, startedAt));
            await Wait.Eventually(
                () => dispatching.DeliveriesOf(id).Any(d => RunHeaders.TryParseOccurrence(d.Header(RunHeaders.Occurrence), out var at) && at > startedAt),
                Patience, () => $"a delivery after {start}");
            Assert.True(dispatching.DeliveriesOf(id).Count > mark);
        }

        var runs = await DispatchingCluster.RunsOfAsync(node, id);
        foreach (var (from, to) in stopped)
        {
            // The change is applied a moment after it is acknowledged: an occurrence within that moment may still fire.
            var during = runs.Where(r => r.GetProperty("scheduledAt").GetDateTimeOffset() is var at && at > from + TimeSpan.FromSeconds(1) && at <= to).ToList();
            Assert.True(during.Count == 0, $"runs while stopped from {from:O} to {to:O}: {string.Join(", ", during)}");
            var delivered = dispatching.DeliveriesOf(id).Where(d => RunHeaders.TryParseOccurrence(d.Header(RunHeaders.Occurrence), out var at)
                                                                    && at > from + TimeSpan.FromSeconds(1) && at <= to).ToList();
            Assert.Empty(delivered);
        }
    }
}
