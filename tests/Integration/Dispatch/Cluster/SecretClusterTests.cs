using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using JobLog.Integration.Api;
using JobLog.Integration.Cluster;
using JobLog.Model;
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

    private static void AssertNowhere(IEnumerable<string> texts, string where)
    {
        var all = texts.ToList();
        Assert.NotEmpty(all);
        foreach (var secret in new[] { FirstToken, SecondToken, Signature })
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
}
