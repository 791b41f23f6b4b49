using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using JobLog.Integration.Api;
using JobLog.Integration.Cluster;
using System.Collections.Immutable;
using JobLog.Commands;
using JobLog.Model;
using JobLog.Store;
using JobLog.Testing;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using Xunit;
using static JobLog.Integration.ZooKeeper.ZooKeeperTest;

namespace JobLog.Integration.Dispatch.Cluster;

/// <summary>
/// Secret headers on a real cluster (node processes, PostgreSQL, ZooKeeper): a value encrypted by one node is sent in
/// clear by another leader and by a restarted one (the key ring is in PostgreSQL), and no znode and no node's log holds
/// a clear value.
/// </summary>
[Collection(ClusterServers.Collection)]
public sealed class SecretClusterTests(ClusterServers servers)
{
    private static readonly TimeSpan Patience = DispatchingCluster.Patience;

    private const string FirstToken = "Bearer cluster-first-71ab";
    private const string SecondToken = "Bearer cluster-second-82cd";
    private const string Signature = "cluster-sig-93ef";

    private static JsonObject Job(string id, string url, string authorization, string signature) => new()
    {
        ["id"] = id,
        ["name"] = id,
        ["cron"] = "0 0 1 1 *",
        ["target"] = new JsonObject
        {
            ["url"] = url,
            ["headers"] = new JsonObject { ["Authorization"] = authorization, ["X-Signature"] = signature, ["X-Trace"] = "plain" },
            ["secretHeaders"] = new JsonArray("X-Signature"),
        },
    };

    /// <summary>Triggers the job through <paramref name="node"/> and returns what the target received for that run.</summary>
    private static async Task<ReceivedRequest> TriggerAsync(DispatchingCluster dispatching, ClusterNode node, string id)
    {
        var before = dispatching.DeliveriesOf(id).Count;
        var response = await node.Http.PostAsync($"/jobs/{id}/trigger", null);
        await Http.Expect(response, HttpStatusCode.Accepted);
        var run = response.Headers.Location!.OriginalString;
        string? last = null;
        await Wait.Eventually(async () =>
        {
            try
            {
                last = await node.Http.GetStringAsync(run);
                return (string?)JsonNode.Parse(last)!["outcome"] == "succeeded" && dispatching.DeliveriesOf(id).Count > before;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, Patience, () => $"the run triggered through {node.Id} succeeds; last: {last}{Environment.NewLine}{dispatching.Cluster.Describe()}");
        return dispatching.DeliveriesOf(id)[before];
    }

    private static async Task<IReadOnlyList<string>> EveryZnodeAsync(string connectionString, string root)
    {
        await using var client = await ConnectAsync(connectionString);
        var texts = new List<string>();
        async Task WalkAsync(string path)
        {
            try
            {
                var data = await client.GetDataAsync(path, false, Timeout());
                texts.Add($"{path}: {Encoding.UTF8.GetString(data.Data)}");
                foreach (var child in (await client.GetChildrenAsync(path, false, Timeout())).Children)
                    await WalkAsync($"{path}/{child}");
            }
            catch (NoNodeException)
            {
                // An ephemeral znode (a member, a candidate) gone between listing and reading.
            }
        }
        await WalkAsync(root);
        return texts;
    }

    private static void AssertNowhere(IEnumerable<string> texts, string where, IEnumerable<string>? secrets = null)
    {
        var all = texts.ToList();
        Assert.NotEmpty(all);
        foreach (var secret in secrets ?? [FirstToken, SecondToken, Signature])
        {
            var found = all.FirstOrDefault(t => t.Contains(secret, StringComparison.OrdinalIgnoreCase));
            Assert.True(found is null, $"'{secret}' is in {where}: {found}");
        }
    }

    [Fact]
    public async Task A_secret_set_through_one_node_reaches_the_target_in_clear_from_another_leader_and_a_restarted_one_and_no_znode_or_log_holds_it()
    {
        await using var dispatching = await DispatchingCluster.StartAsync(servers, size: 2, settings: new Dictionary<string, string>
        {
            ["Logging__LogLevel__JobLog"] = "Debug",
        });
        var cluster = dispatching.Cluster;
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        Assert.Equal(a, await cluster.LeaderAsync(Patience));
        var id = Http.NewId();
        await DispatchingCluster.CreateAsync(b, Job(id, dispatching.Receiver.Url($"/hook/{id}"), FirstToken, Signature));
        var update = Job(id, dispatching.Receiver.Url($"/hook/{id}"), SecondToken, SecretValue.Redacted);
        await Http.Expect(await a.Http.Send(HttpMethod.Put, $"/jobs/{id}", Http.Serialize(update), "\"1\""), HttpStatusCode.OK);

        var fromFirstLeader = await TriggerAsync(dispatching, b, id);
        await a.KillAsync();
        Assert.Equal(b, await cluster.LeaderAsync(Patience));
        var fromSecondLeader = await TriggerAsync(dispatching, b, id);
        await a.StartAsync();
        await b.KillAsync();
        Assert.Equal(a, await cluster.LeaderAsync(Patience));
        var fromRestartedLeader = await TriggerAsync(dispatching, a, id);

        var znodes = await EveryZnodeAsync(servers.ZooKeeper.ConnectionString, cluster.Root);
        AssertNowhere(znodes, "a znode");
        Assert.Contains(znodes, z => z.Contains(SecretValue.Prefix, StringComparison.Ordinal));
        foreach (var received in new[] { fromFirstLeader, fromSecondLeader, fromRestartedLeader })
            Assert.Equal((SecondToken, Signature, "plain"), (received.Header("Authorization"), received.Header("X-Signature"), received.Header("X-Trace")));
        var answers = new List<string>();
        foreach (var path in new[] { $"/jobs/{id}", $"/jobs/{id}?version=1", $"/jobs/{id}/history", "/events?limit=1000", "/jobs?status=all", $"/jobs/{id}/runs" })
            answers.Add(await a.Http.GetStringAsync(path));
        AssertNowhere(answers, "an answer of the restarted node");
        AssertNowhere(cluster.Nodes.Select(n => n.Logs()), "a node's log");
        // The search covers Debug: the node that took the update logged it there.
        Assert.Contains($"Job {id}: JobUpdated committed", a.Logs(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jobs_stored_in_clear_before_the_nodes_start_are_sealed_once_and_no_znode_or_log_holds_a_clear_value()
    {
        string[] secrets = ["Bearer cluster-legacy-a4b5", "cluster-legacy-qt-c6d7", "cluster-legacy-pw-e8f9"];
        var (active, deleted) = (Http.NewId(), Http.NewId());
        var olderNode = new Provenance("old-client", "old-node", null);
        await using var dispatching = await DispatchingCluster.StartAsync(servers, size: 2, settings: new Dictionary<string, string>
        {
            ["Logging__LogLevel__JobLog"] = "Debug",
        }, beforeStart: async cluster =>
        {
            // Written straight into the store, as a node from before encryption wrote them: the nodes meet them at start.
            using var documents = JobLogMarten.CreateDocumentStore(servers.Postgres.ConnectionString, cluster.Schema);
            var store = new MartenJobEventStore(documents);
            foreach (var id in new[] { active, deleted })
            {
                var job = JobId.Parse(id);
                var target = new WebhookTarget(
                    $"http://olduser:{secrets[2]}@127.0.0.1:9/hook/{id}?token={secrets[1]}", "POST",
                    new Dictionary<string, string> { ["Authorization"] = secrets[0], ["X-Trace"] = "plain" }.ToImmutableSortedDictionary(StringComparer.Ordinal),
                    null, 30);
                await store.AppendAsync(job, 0, new JobAdded(job, new JobDefinition(id, "0 0 1 1 *", "UTC", target), true, olderNode), CancellationToken.None);
            }
            await store.AppendAsync(JobId.Parse(deleted), 1, new JobDeleted(JobId.Parse(deleted), olderNode), CancellationToken.None);
        });
        var cluster = dispatching.Cluster;

        await Wait.Eventually(async () => await cluster.StoreVersionAsync(active) == 2 && await cluster.StoreVersionAsync(deleted) == 3,
            Patience, () => $"a node seals both jobs{Environment.NewLine}{cluster.Describe()}");
        var znodes = new List<string>();
        await Wait.Eventually(async () =>
        {
            znodes = [.. await EveryZnodeAsync(servers.ZooKeeper.ConnectionString, cluster.Root)];
            return znodes.Count(z => z.Contains(ClearSecretSealer.Reason, StringComparison.Ordinal)) == 2;
        }, Patience, () => $"both jobs' znodes carry the repair; znodes: {string.Join(Environment.NewLine, znodes)}");

        AssertNowhere(znodes, "a znode", secrets);
        var history = await cluster.Nodes[1].Http.GetStringAsync($"/jobs/{active}/history");
        Assert.Single(JsonNode.Parse(history)!.AsArray(), e => (string?)e!["actor"] == SealSecrets.Actor);
        var answers = new List<string> { history };
        foreach (var path in new[] { $"/jobs/{active}", $"/jobs/{deleted}", $"/jobs/{deleted}?version=1", $"/jobs/{deleted}/history", "/events?limit=1000", "/jobs?status=all" })
            answers.Add(await cluster.Nodes[0].Http.GetStringAsync(path));
        AssertNowhere(answers, "an answer", secrets);
        Assert.Contains("\"status\":\"deleted\"", answers[2], StringComparison.Ordinal);
        AssertNowhere(cluster.Nodes.Select(n => n.Logs()), "a node's log", secrets);
        Assert.Contains(cluster.Nodes, n => n.Logs().Contains($"Job {active}: secrets stored in clear", StringComparison.Ordinal));
    }
}
