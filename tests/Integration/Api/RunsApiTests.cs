using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Xunit;
using static JobLog.Integration.Api.Http;

namespace JobLog.Integration.Api;

public sealed class RunsApiTests(RunsApiFixture node) : IClassFixture<RunsApiFixture>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    private HttpClient Client => node.Client;

    private async Task<JsonObject> RunAsync(string location) => await Json(await Client.GetAsync(location));

    [Fact]
    public async Task A_trigger_is_accepted_with_the_run_and_its_location_and_the_leader_runs_it_once()
    {
        var id = NewId();
        await Client.CreateJob(id, cron: "0 0 1 1 *");

        var response = await Client.PostAsync($"/jobs/{id}/trigger", null);

        await Expect(response, HttpStatusCode.Accepted);
        var accepted = await Json(response);
        Assert.Equal($"/runs/{(long)accepted["id"]!}", response.Headers.Location?.OriginalString);
        Assert.Equal(("manual", id, 1L), ((string?)accepted["kind"], (string?)accepted["jobId"], (long?)accepted["jobVersion"]));
        Assert.Null(accepted["outcome"]);
        var location = response.Headers.Location!.OriginalString;
        await Eventually(async () => (string?)(await RunAsync(location))["outcome"] == "succeeded", Within, "the triggered run succeeds");
        var run = await RunAsync(location);
        Assert.Equal("test-node", (string?)run["claimedBy"]!["node"]);
        Assert.Equal(0, (long?)run["claimedBy"]!["epoch"]);
        Assert.StartsWith("alone-", (string?)run["claimedBy"]!["incarnation"]);
        Assert.Equal((1, 200), ((int?)run["attempts"], (int?)run["httpStatus"]));
        Assert.NotNull(run["startedAt"]);
        Assert.NotNull(run["endedAt"]);
        Assert.NotNull(run["latenessMs"]);
        Assert.Single(node.Sender.Sent, s => s.Job.Value == id);
    }

    [Fact]
    public async Task A_trigger_of_an_unknown_job_is_404_of_a_deleted_one_409_and_of_a_paused_one_accepted()
    {
        var unknown = await ExpectProblem(await Client.PostAsync($"/jobs/{NewId()}/trigger", null), HttpStatusCode.NotFound);
        Assert.Equal("id", (string?)unknown["field"]);
        await ExpectProblem(await Client.PostAsync("/jobs/NOT%20AN%20ID/trigger", null), HttpStatusCode.BadRequest);

        var deleted = NewId();
        await Client.CreateJob(deleted);
        await Expect(await Client.Send(HttpMethod.Delete, $"/jobs/{deleted}", ifMatch: "\"1\""), HttpStatusCode.OK);
        var refused = await ExpectProblem(await Client.PostAsync($"/jobs/{deleted}/trigger", null), HttpStatusCode.Conflict);
        Assert.Equal("status", (string?)refused["field"]);

        var paused = NewId();
        await Client.CreateJob(paused);
        await Expect(await Client.Send(HttpMethod.Post, $"/jobs/{paused}/pause", ifMatch: "\"1\""), HttpStatusCode.OK);
        await Expect(await Client.PostAsync($"/jobs/{paused}/trigger", null), HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task A_jobs_runs_page_newest_first_to_the_end_through_next_and_never_change_the_job()
    {
        var id = NewId();
        await Client.CreateJob(id, cron: "* * * * * *");
        await Eventually(async () => ((JsonArray)(await RunAsync($"/jobs/{id}/runs?limit=1000"))["items"]!).Count(r => r!["outcome"] is not null) >= 4,
            Within, "four runs of a job due every second have outcomes");
        var pause = await Client.Send(HttpMethod.Post, $"/jobs/{id}/pause", ifMatch: "\"1\"");
        await Expect(pause, HttpStatusCode.OK);

        var ids = new List<long>();
        var pages = 0;
        string? link = $"/jobs/{id}/runs?limit=2";
        while (link is not null)
        {
            var page = await RunAsync(link);
            var items = page["items"]!.AsArray();
            Assert.True(items.Count <= 2);
            Assert.All(items, r => Assert.Equal(id, (string?)r!["jobId"]));
            ids.AddRange(items.Select(r => (long)r!["id"]!));
            link = (string?)page["nextLink"];
            Assert.Equal(link is null, page["next"] is null);
            pages++;
        }

        Assert.True(pages >= 2, $"{pages} pages");
        Assert.Equal(ids.OrderDescending(), ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var job = await Json(await Client.GetAsync($"/jobs/{id}"));
        Assert.Equal(2, (long?)job["version"]);
        Assert.Equal(2, (await JsonArray(await Client.GetAsync($"/jobs/{id}/history"))).Count);
    }

    [Fact]
    public async Task Runs_of_an_unknown_job_are_404_and_bad_paging_values_are_400_naming_the_field()
    {
        var unknown = await ExpectProblem(await Client.GetAsync($"/jobs/{NewId()}/runs"), HttpStatusCode.NotFound);
        Assert.Equal("id", (string?)unknown["field"]);
        var id = NewId();
        await Client.CreateJob(id);

        foreach (var (query, field) in new[]
                 {
                     ("limit=0", "limit"), ("limit=1001", "limit"), ("limit=x", "limit"), ("limit=-1", "limit"),
                     ("before=0", "before"), ("before=abc", "before"), ("before=1.5", "before"),
                 })
        {
            var problem = await ExpectProblem(await Client.GetAsync($"/jobs/{id}/runs?{query}"), HttpStatusCode.BadRequest);
            Assert.Equal(field, (string?)problem["field"]);
            var all = await ExpectProblem(await Client.GetAsync($"/runs?{query}"), HttpStatusCode.BadRequest);
            Assert.Equal(field, (string?)all["field"]);
        }
        foreach (var (query, field) in new[]
                 {
                     ("since=yesterday", "since"), ("since=2026-13-01T00:00:00Z", "since"), ("outcome=ok", "outcome"),
                     ("outcome=Succeeded", "outcome"), ("outcome=timed_out", "outcome"),
                 })
        {
            var problem = await ExpectProblem(await Client.GetAsync($"/runs?{query}"), HttpStatusCode.BadRequest);
            Assert.Equal(field, (string?)problem["field"]);
        }
        await ExpectProblem(await Client.GetAsync("/runs/0"), HttpStatusCode.BadRequest);
        var missing = await ExpectProblem(await Client.GetAsync("/runs/999999999"), HttpStatusCode.NotFound);
        Assert.Equal("runId", (string?)missing["field"]);
    }

    [Fact]
    public async Task All_runs_filter_by_outcome_and_scheduled_instant_and_carry_the_filters_in_their_next_link()
    {
        var id = NewId();
        await Client.CreateJob(id, cron: "0 0 1 1 *");
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        for (var i = 0; i < 3; i++)
            await Expect(await Client.PostAsync($"/jobs/{id}/trigger", null), HttpStatusCode.Accepted);
        var sinceText = Uri.EscapeDataString(since.ToString("O"));
        await Eventually(async () =>
                ((JsonArray)(await RunAsync($"/runs?since={sinceText}&outcome=succeeded&limit=1000"))["items"]!)
                .Count(r => (string?)r!["jobId"] == id) == 3,
            Within, "the three triggered runs succeed");

        var first = await RunAsync($"/runs?since={sinceText}&outcome=succeeded&limit=1");
        var next = (string?)first["nextLink"];
        Assert.NotNull(next);
        Assert.Contains("outcome=succeeded", next);
        Assert.Contains("since=", next);
        var second = await RunAsync(next);
        Assert.True((long)second["items"]![0]!["id"]! < (long)first["items"]![0]!["id"]!);
        var everything = (JsonArray)(await RunAsync($"/runs?since={sinceText}&limit=1000"))["items"]!;
        Assert.All(everything, r => Assert.True(DateTimeOffset.Parse((string)r!["scheduledAt"]!) >= since));
        var none = (JsonArray)(await RunAsync($"/runs?since={sinceText}&outcome=refused"))["items"]!;
        Assert.Empty(none);
    }

    [Fact]
    public async Task The_schedule_marks_the_run_in_flight_on_its_jobs_items_only_and_the_cluster_shows_the_dispatcher()
    {
        var held = HoldingSender.HeldPrefix + NewId()[..20];
        var other = NewId();
        await Client.PostAsJsonAsync("/jobs", NewJob(held, cron: "* * * * * *"));
        await Client.CreateJob(other, cron: "0 0 1 1 *");

        JsonObject? schedule = null;
        await Eventually(async () =>
        {
            schedule = await Json(await Client.GetAsync("/schedule?count=1000"));
            return schedule["items"]!.AsArray().Any(i => (string?)i!["jobId"] == held && i["inFlight"] is JsonObject);
        }, Within, "the held job's run shows in flight on /schedule");
        var items = schedule!["items"]!.AsArray();
        var marker = items.First(i => (string?)i!["jobId"] == held)!["inFlight"]!;
        var run = await RunAsync($"/runs/{(long)marker["runId"]!}");
        Assert.Null(run["outcome"]);
        Assert.Equal((string?)run["scheduledAt"], (string?)marker["scheduledAt"]);
        Assert.All(items.Where(i => (string?)i!["jobId"] == other), i => Assert.Null(i!["inFlight"]));
        Assert.All(items, i => Assert.True(i!.AsObject().ContainsKey("inFlight")));

        // The run shows in flight from its claim, ahead of its instant; the lateness once an attempt was released at it.
        JsonNode? dispatcher = null;
        await Eventually(async () =>
        {
            dispatcher = (await Json(await Client.GetAsync("/cluster")))["dispatcher"];
            return dispatcher?["lastLatenessMs"] is not null;
        }, Within, "the dispatcher's lateness of its last call on /cluster");
        Assert.True((bool?)dispatcher!["dispatching"]);
        Assert.Equal(0, (long?)dispatcher["epoch"]);
        Assert.Equal((string?)run["claimedBy"]!["incarnation"], (string?)dispatcher["incarnation"]);
        Assert.True((int?)dispatcher["dueQueueLength"] >= 1);
        Assert.True((int?)dispatcher["inFlight"] >= 1);
        Assert.Equal(held, (string?)(await Json(await Client.GetAsync($"/jobs/{held}")))["id"]);
    }
}
