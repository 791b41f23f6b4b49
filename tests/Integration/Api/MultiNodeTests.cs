using System.Net;
using JobLog.Integration.Fixtures;
using Xunit;
using static JobLog.Integration.Api.Http;

namespace JobLog.Integration.Api;

/// <summary>Two nodes on one store: each sees the other's changes through its catch-up, and writes stay safe.</summary>
[Collection(PostgresFixture.Collection)]
public sealed class MultiNodeTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly TimeSpan CatchUp = TimeSpan.FromSeconds(15);
    private ApiHost _first = null!;
    private ApiHost _second = null!;

    public Task InitializeAsync()
    {
        _first = new ApiHost(postgres.ConnectionString) { NodeId = "node-a" };
        _second = new ApiHost(postgres.ConnectionString, _first.Schema) { NodeId = "node-b" };
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_command_rejected_on_a_lagging_schedule_is_answered_from_the_store_as_stale()
    {
        var frozen = new Dictionary<string, string?>
        {
            ["JobLog:CatchUp:TailInterval"] = "00:10:00",
            ["JobLog:CatchUp:ReconcileInterval"] = "01:00:00",
        };
        await using var lagging = new ApiHost(postgres.ConnectionString, _first.Schema) { NodeId = "node-c", Settings = frozen };
        var b = await _second.ReadyClientAsync();
        var c = await lagging.ReadyClientAsync();
        var id = NewId();
        await c.CreateJob(id);
        await Expect(await b.Send(HttpMethod.Post, $"/jobs/{id}/pause", null, "\"1\""), HttpStatusCode.OK);

        // Node c still has the job enabled at version 1, where a resume would be an invalid transition.
        var response = await c.Send(HttpMethod.Post, $"/jobs/{id}/resume", null, "\"1\"");

        var problem = await ExpectProblem(response, HttpStatusCode.PreconditionFailed);
        Assert.Equal(2, (long?)problem["currentVersion"]);
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    [Fact]
    public async Task A_job_created_on_one_node_appears_in_the_other_nodes_list_and_schedule()
    {
        // One after the other: two nodes creating a fresh schema at once race on Marten's DDL.
        var a = await _first.ReadyClientAsync();
        var b = await _second.ReadyClientAsync();
        var id = NewId();

        await a.CreateJob(id);

        await Eventually(async () => (await Json(await b.GetAsync($"/jobs?status=all&limit=500")))["items"]!.AsArray()
            .Any(j => (string?)j!["id"] == id), CatchUp, "node b lists the job created on node a");
        await Expect(await a.Send(HttpMethod.Post, $"/jobs/{id}/pause", null, "\"1\""), HttpStatusCode.OK);
        await Eventually(async () => (await Json(await b.GetAsync($"/jobs?status=all&limit=500")))["items"]!.AsArray()
            .Any(j => (string?)j!["id"] == id && (bool?)j["enabled"] == false), CatchUp, "node b sees the pause");
    }

    [Fact]
    public async Task A_stale_write_through_the_other_node_is_412_and_its_node_is_named_in_history()
    {
        // One after the other: two nodes creating a fresh schema at once race on Marten's DDL.
        var a = await _first.ReadyClientAsync();
        var b = await _second.ReadyClientAsync();
        var id = NewId();
        await a.CreateJob(id);
        await Expect(await b.Send(HttpMethod.Post, $"/jobs/{id}/pause", null, "\"1\""), HttpStatusCode.OK);

        var stale = await a.Send(HttpMethod.Post, $"/jobs/{id}/pause", null, "\"1\"");

        var problem = await ExpectProblem(stale, HttpStatusCode.PreconditionFailed);
        Assert.Equal(2, (long?)problem["currentVersion"]);
        var history = await JsonArray(await a.GetAsync($"/jobs/{id}/history"));
        Assert.Equal(["node-a", "node-b"], history.Select(e => (string)e!["node"]!));
    }
}
