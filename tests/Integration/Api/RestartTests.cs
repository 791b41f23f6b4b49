using System.Net;
using System.Net.Http.Json;
using JobLog.Integration.Fixtures;
using Xunit;
using static JobLog.Integration.Api.Http;

namespace JobLog.Integration.Api;

[Collection(PostgresFixture.Collection)]
public sealed class RestartTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Jobs_survive_a_kill_and_restart_of_the_api_process()
    {
        var environment = new Dictionary<string, string>
        {
            ["JOBLOG_POSTGRES"] = postgres.ConnectionString,
            ["JOBLOG_NODE_ID"] = "restart-node",
            ["JobLog__Schema"] = PostgresFixture.NewSchemaName(),
            ["Logging__LogLevel__Default"] = "Warning",
        };
        var port = ApiProcess.FreePort();
        var ids = Enumerable.Range(0, 3).Select(_ => NewId()).Order(StringComparer.Ordinal).ToList();
        var before = new List<string>();

        await using (var first = await ApiProcess.StartAsync(environment, port, Startup))
        {
            using var client = TestKeys.Client(first.BaseAddress);
            foreach (var id in ids)
                await client.CreateJob(id);
            await Expect(await client.Send(HttpMethod.Post, $"/jobs/{ids[1]}/pause", null, "\"1\"", TestKeys.Ops), HttpStatusCode.OK);
            await Expect(await client.Send(HttpMethod.Delete, $"/jobs/{ids[2]}", null, "\"1\""), HttpStatusCode.OK);
            foreach (var id in ids)
                before.Add(await client.GetStringAsync($"/jobs/{id}"));
            await first.KillAsync();
        }

        await using var second = await ApiProcess.StartAsync(environment, port, Startup);
        using var again = TestKeys.Client(second.BaseAddress);
        var after = new List<string>();
        foreach (var id in ids)
            after.Add(await again.GetStringAsync($"/jobs/{id}"));
        Assert.Equal(before, after);
        var listed = await again.GetFromJsonAsync<JobListing>("/jobs?status=all");
        Assert.Equal(ids, listed!.Items.Select(j => j.Id));
        Assert.Equal([true, false, true], listed.Items.Select(j => j.Enabled));
        Assert.Equal(["active", "active", "deleted"], listed.Items.Select(j => j.Status));
        var history = await JsonArray(await again.GetAsync($"/jobs/{ids[1]}/history"));
        Assert.Equal(TestKeys.Ops.Name, (string?)history[1]!["actor"]);
        Assert.Equal("restart-node", (string?)history[1]!["node"]);
    }

    private sealed record JobListing(IReadOnlyList<ListedJob> Items, string? Next);

    private sealed record ListedJob(string Id, bool Enabled, string Status);
}
