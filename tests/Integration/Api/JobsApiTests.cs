using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using JobLog.Integration.Fixtures;
using Xunit;
using static JobLog.Integration.Api.Http;

namespace JobLog.Integration.Api;

[Collection(PostgresFixture.Collection)]
public sealed class JobsApiTests(PostgresFixture postgres, ApiHostFixture host) : IClassFixture<ApiHostFixture>, IAsyncLifetime
{
    private HttpClient _client = null!;

    public async Task InitializeAsync() => _client = await host.ReadyClientAsync(postgres);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Creating_a_job_returns_201_with_location_etag_and_the_defaults_filled_in()
    {
        var id = NewId();
        var response = await _client.PostAsJsonAsync("/jobs", NewJob(id));

        await Expect(response, HttpStatusCode.Created);
        Assert.Equal($"/jobs/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("\"1\"", ETag(response));
        var job = await Json(response);
        Assert.Equal(id, (string?)job["id"]);
        Assert.Equal("UTC", (string?)job["timeZone"]);
        Assert.Equal("POST", (string?)job["target"]!["method"]);
        Assert.Equal(30, (int?)job["target"]!["timeoutSeconds"]);
        Assert.True((bool?)job["enabled"]);
        Assert.Equal("active", (string?)job["status"]);
        Assert.Equal(1, (long?)job["version"]);
        Assert.Equal((string?)job["createdAt"], (string?)job["updatedAt"]);
    }

    [Fact]
    public async Task A_job_created_without_an_id_gets_a_generated_one_and_keeps_its_given_fields()
    {
        var body = new JsonObject
        {
            ["name"] = "ping",
            ["cron"] = "*/5 * * * *",
            ["timeZone"] = "Europe/Berlin",
            ["enabled"] = false,
            ["target"] = new JsonObject
            {
                ["url"] = "http://example.test/ping",
                ["method"] = "put",
                ["headers"] = new JsonObject { ["X-Trace"] = "t", ["X-Token"] = "secret-t" },
                ["body"] = "{}",
                ["timeoutSeconds"] = 10,
            },
        };
        var response = await _client.PostAsJsonAsync("/jobs", body);

        await Expect(response, HttpStatusCode.Created);
        var job = await Json(response);
        var id = (string)job["id"]!;
        Assert.Matches("^[a-z0-9_-]{1,64}$", id);
        Assert.Equal("PUT", (string?)job["target"]!["method"]);
        Assert.Equal("t", (string?)job["target"]!["headers"]!["X-Trace"]);
        // A secret by its name: kept, and shown only redacted.
        Assert.Equal("***", (string?)job["target"]!["headers"]!["X-Token"]);
        Assert.Equal("Europe/Berlin", (string?)job["timeZone"]);
        Assert.False((bool?)job["enabled"]);
        var read = await _client.GetAsync($"/jobs/{id}");
        await Expect(read, HttpStatusCode.OK);
        Assert.Equal(job.ToJsonString(), (await Json(read)).ToJsonString());
    }

    [Fact]
    public async Task Reading_a_job_returns_it_with_its_version_as_etag()
    {
        var id = NewId();
        await _client.CreateJob(id);

        var response = await _client.GetAsync($"/jobs/{id}");

        await Expect(response, HttpStatusCode.OK);
        Assert.Equal("\"1\"", ETag(response));
        Assert.Equal(id, (string?)(await Json(response))["id"]);
    }

    [Fact]
    public async Task Reading_a_job_that_never_existed_is_404()
    {
        var problem = await ExpectProblem(await _client.GetAsync($"/jobs/{NewId()}"), HttpStatusCode.NotFound);
        Assert.Equal("id", (string?)problem["field"]);
    }

    [Fact]
    public async Task Replacing_a_definition_with_put_bumps_the_version_and_resets_omitted_defaults()
    {
        var id = NewId();
        await _client.CreateJob(id);
        var update = new JsonObject
        {
            ["name"] = "renamed",
            ["cron"] = "15 4 * * 1",
            ["timeZone"] = "America/New_York",
            ["target"] = new JsonObject { ["url"] = "https://example.test/v2", ["method"] = "PATCH" },
        };

        var response = await _client.Send(HttpMethod.Put, $"/jobs/{id}", Serialize(update), "\"1\"");

        await Expect(response, HttpStatusCode.OK);
        Assert.Equal("\"2\"", ETag(response));
        var job = await Json(response);
        Assert.Equal("renamed", (string?)job["name"]);
        Assert.Equal("15 4 * * 1", (string?)job["cron"]);
        Assert.Equal("America/New_York", (string?)job["timeZone"]);
        Assert.Equal("PATCH", (string?)job["target"]!["method"]);
        Assert.Equal(2, (long?)job["version"]);
    }

    [Fact]
    public async Task Pausing_and_resuming_flip_enabled_and_record_actor_and_reason()
    {
        var id = NewId();
        await _client.CreateJob(id);

        var paused = await _client.Send(HttpMethod.Post, $"/jobs/{id}/pause", """{"reason":"maintenance"}""", "\"1\"", TestKeys.Ops);
        await Expect(paused, HttpStatusCode.OK);
        Assert.False((bool?)(await Json(paused))["enabled"]);
        var resumed = await _client.Send(HttpMethod.Post, $"/jobs/{id}/resume", null, "\"2\"");
        await Expect(resumed, HttpStatusCode.OK);
        Assert.True((bool?)(await Json(resumed))["enabled"]);
        Assert.Equal("\"3\"", ETag(resumed));

        var history = await JsonArray(await _client.GetAsync($"/jobs/{id}/history"));
        Assert.Equal(TestKeys.Ops.Name, (string?)history[1]!["actor"]);
        Assert.Equal("maintenance", (string?)history[1]!["reason"]);
        Assert.Equal(TestKeys.Admin.Name, (string?)history[2]!["actor"]);
        Assert.Equal("test-node", (string?)history[2]!["node"]);
    }

    [Fact]
    public async Task Pausing_a_paused_job_is_an_invalid_transition()
    {
        var id = NewId();
        await _client.CreateJob(id);
        await Expect(await _client.Send(HttpMethod.Post, $"/jobs/{id}/pause", null, "\"1\""), HttpStatusCode.OK);

        var problem = await ExpectProblem(await _client.Send(HttpMethod.Post, $"/jobs/{id}/pause", null, "\"2\""), HttpStatusCode.Conflict);

        Assert.Equal("https://joblog.dev/problems/invalid-transition", (string?)problem["type"]);
    }

    [Fact]
    public async Task A_soft_deleted_job_is_still_readable_and_comes_back_on_restore()
    {
        var id = NewId();
        await _client.CreateJob(id);

        var deleted = await _client.Send(HttpMethod.Delete, $"/jobs/{id}", """{"reason":"obsolete"}""", "\"1\"");
        await Expect(deleted, HttpStatusCode.OK);
        Assert.Equal("deleted", (string?)(await Json(deleted))["status"]);
        var read = await Json(await _client.GetAsync($"/jobs/{id}"));
        Assert.Equal("deleted", (string?)read["status"]);
        await ExpectProblem(await _client.Send(HttpMethod.Post, $"/jobs/{id}/pause", null, "\"2\""), HttpStatusCode.Conflict);
        Assert.DoesNotContain(await ListIds("active"), x => x == id);
        Assert.Contains(await ListIds("deleted"), x => x == id);

        var restored = await _client.Send(HttpMethod.Post, $"/jobs/{id}/restore", null, "\"2\"");

        await Expect(restored, HttpStatusCode.OK);
        Assert.Equal("active", (string?)(await Json(restored))["status"]);
        Assert.Equal("\"3\"", ETag(restored));
        Assert.Contains(await ListIds("active"), x => x == id);
    }

    [Fact]
    public async Task Creating_a_job_whose_id_exists_even_deleted_is_409()
    {
        var id = NewId();
        await _client.CreateJob(id);
        await Expect(await _client.Send(HttpMethod.Delete, $"/jobs/{id}", null, "\"1\""), HttpStatusCode.OK);

        var problem = await ExpectProblem(await _client.PostAsJsonAsync("/jobs", NewJob(id)), HttpStatusCode.Conflict);

        Assert.Equal("https://joblog.dev/problems/already-exists", (string?)problem["type"]);
        Assert.Equal("id", (string?)problem["field"]);
    }

    [Fact]
    public async Task A_change_with_a_stale_if_match_is_412_with_the_current_version()
    {
        var id = NewId();
        await _client.CreateJob(id);
        await Expect(await _client.Send(HttpMethod.Post, $"/jobs/{id}/pause", null, "\"1\""), HttpStatusCode.OK);

        var response = await _client.Send(HttpMethod.Post, $"/jobs/{id}/resume", null, "\"1\"");

        var problem = await ExpectProblem(response, HttpStatusCode.PreconditionFailed);
        Assert.Equal(2, (long?)problem["currentVersion"]);
        Assert.Equal("\"2\"", ETag(response));
    }

    [Fact]
    public async Task A_change_without_if_match_is_428()
    {
        var id = NewId();
        await _client.CreateJob(id);

        var problem = await ExpectProblem(await _client.Send(HttpMethod.Post, $"/jobs/{id}/pause"), HttpStatusCode.PreconditionRequired);

        Assert.Equal("If-Match", (string?)problem["field"]);
    }

    [Fact]
    public async Task History_lists_every_event_in_version_order_with_its_data()
    {
        var id = NewId();
        await _client.CreateJob(id);
        await _client.Send(HttpMethod.Post, $"/jobs/{id}/pause", null, "\"1\"");
        await _client.Send(HttpMethod.Delete, $"/jobs/{id}", null, "\"2\"");
        await _client.Send(HttpMethod.Post, $"/jobs/{id}/restore", null, "\"3\"");

        var history = await JsonArray(await _client.GetAsync($"/jobs/{id}/history"));

        Assert.Equal(["JobAdded", "JobPaused", "JobDeleted", "JobRestored"], history.Select(e => (string)e!["type"]!));
        Assert.Equal([1L, 2L, 3L, 4L], history.Select(e => (long)e!["version"]!));
        var sequences = history.Select(e => (long)e!["sequence"]!).ToList();
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal("nightly report", (string?)history[0]!["data"]!["definition"]!["name"]);
        Assert.True((bool?)history[0]!["data"]!["enabled"]);
        Assert.NotNull(history[0]!["timestamp"]);
    }

    [Fact]
    public async Task A_job_can_be_read_as_it_was_at_an_earlier_version()
    {
        var id = NewId();
        await _client.CreateJob(id);
        await _client.Send(HttpMethod.Post, $"/jobs/{id}/pause", null, "\"1\"");
        await _client.Send(HttpMethod.Put, $"/jobs/{id}",
            Serialize(NewJob(id, name: "second name").Also(j => j.Remove("id"))), "\"2\"");

        var v1 = await _client.GetAsync($"/jobs/{id}?version=1");
        var v2 = await Json(await _client.GetAsync($"/jobs/{id}?version=2"));
        var now = await Json(await _client.GetAsync($"/jobs/{id}"));

        await Expect(v1, HttpStatusCode.OK);
        Assert.Equal("\"1\"", ETag(v1));
        var first = await Json(v1);
        Assert.True((bool?)first["enabled"]);
        Assert.Equal("nightly report", (string?)first["name"]);
        Assert.False((bool?)v2["enabled"]);
        Assert.Equal("second name", (string?)now["name"]);
        var beyond = await ExpectProblem(await _client.GetAsync($"/jobs/{id}?version=4"), HttpStatusCode.NotFound);
        Assert.Equal("version", (string?)beyond["field"]);
    }

    [Fact]
    public async Task A_job_can_be_read_as_it_was_at_an_earlier_time()
    {
        var id = NewId();
        var created = await _client.CreateJob(id);
        var createdAt = DateTimeOffset.Parse((string)created["createdAt"]!);
        var paused = await Json(await _client.Send(HttpMethod.Post, $"/jobs/{id}/pause", null, "\"1\""));
        var pausedAt = DateTimeOffset.Parse((string)paused["updatedAt"]!);
        Assert.True(pausedAt > createdAt);

        var atCreation = await Json(await _client.GetAsync($"/jobs/{id}?asOf={Uri.EscapeDataString(createdAt.ToString("O"))}"));
        var atPause = await Json(await _client.GetAsync($"/jobs/{id}?asOf={Uri.EscapeDataString(pausedAt.ToString("O"))}"));
        var before = await ExpectProblem(
            await _client.GetAsync($"/jobs/{id}?asOf={Uri.EscapeDataString(createdAt.AddSeconds(-1).ToString("O"))}"),
            HttpStatusCode.NotFound);

        Assert.Equal(1, (long?)atCreation["version"]);
        Assert.True((bool?)atCreation["enabled"]);
        Assert.Equal(2, (long?)atPause["version"]);
        Assert.False((bool?)atPause["enabled"]);
        Assert.Equal("asOf", (string?)before["field"]);
    }

    [Fact]
    public async Task Listing_jobs_pages_by_id_and_filters_by_status()
    {
        var prefix = $"list-{Guid.NewGuid():N}"[..13];
        var ids = Enumerable.Range(0, 5).Select(i => $"{prefix}-{i}").ToList();
        foreach (var id in ids)
            await _client.CreateJob(id);
        await _client.Send(HttpMethod.Delete, $"/jobs/{ids[2]}", null, "\"1\"");

        var all = new List<string>();
        string? after = $"{prefix}-";
        while (after is not null)
        {
            var page = await Json(await _client.GetAsync($"/jobs?status=all&limit=2&after={after}"));
            var items = page["items"]!.AsArray().Select(j => (string)j!["id"]!).ToList();
            Assert.True(items.Count <= 2);
            all.AddRange(items.Where(i => i.StartsWith(prefix, StringComparison.Ordinal)));
            after = items.Any(i => !i.StartsWith(prefix, StringComparison.Ordinal)) ? null : (string?)page["next"];
        }

        Assert.Equal(ids, all);
        Assert.DoesNotContain(await ListIds("active"), x => x == ids[2]);
        Assert.Contains(await ListIds("active"), x => x == ids[3]);
    }

    [Fact]
    public async Task The_audit_feed_lists_events_in_commit_order_across_jobs()
    {
        var start = await _client.LastSequence();
        var a = NewId();
        var b = NewId();
        await _client.CreateJob(a);
        await _client.CreateJob(b);
        await _client.Send(HttpMethod.Post, $"/jobs/{a}/pause", null, "\"1\"", TestKeys.Editor);

        var page = await Json(await _client.GetAsync($"/events?after={start}&limit=10"));

        var items = page["items"]!.AsArray();
        Assert.Equal([(a, "JobAdded"), (b, "JobAdded"), (a, "JobPaused")],
            items.Select(e => ((string)e!["jobId"]!, (string)e["type"]!)));
        var sequences = items.Select(e => (long)e!["sequence"]!).ToList();
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(sequences[^1], (long?)page["next"]);
        Assert.Equal(TestKeys.Editor.Name, (string?)items[2]!["actor"]);
        var empty = await Json(await _client.GetAsync($"/events?after={sequences[^1]}"));
        Assert.Empty(empty["items"]!.AsArray());
        Assert.Equal(sequences[^1], (long?)empty["next"]);
    }

    [Fact]
    public async Task The_schedule_lists_the_next_firings_of_enabled_jobs_from_a_given_instant()
    {
        var id = NewId();
        await _client.CreateJob(id, cron: "0 0 29 2 *");

        var response = await _client.GetAsync("/schedule?count=1000&from=2028-02-28T23:59:00Z");

        await Expect(response, HttpStatusCode.OK);
        var schedule = await Json(response);
        Assert.Equal(DateTimeOffset.Parse("2028-02-28T23:59:00Z"), DateTimeOffset.Parse((string)schedule["from"]!));
        var mine = schedule["items"]!.AsArray().Where(o => (string?)o!["jobId"] == id).ToList();
        Assert.Equal(DateTimeOffset.Parse("2028-02-29T00:00:00Z"), DateTimeOffset.Parse((string)mine[0]!["at"]!));
        Assert.Equal(1, (long?)mine[0]!["version"]);
        var byDefault = await Json(await _client.GetAsync("/schedule"));
        Assert.True(byDefault["items"]!.AsArray().Count <= 10);
    }

    [Fact]
    public async Task Liveness_and_readiness_are_200_once_the_node_has_caught_up()
    {
        await Expect(await _client.GetAsync("/healthz"), HttpStatusCode.OK);
        await Eventually(async () => (await _client.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), "readyz is 200");
    }

    [Fact]
    public async Task The_openapi_document_describes_the_jobs_endpoints()
    {
        var response = await _client.GetAsync("/openapi/v1.json");

        await Expect(response, HttpStatusCode.OK);
        var document = await Json(response);
        Assert.NotNull(document["paths"]!["/jobs"]);
        Assert.NotNull(document["paths"]!["/jobs/{id}/pause"]);
        Assert.NotNull(document["paths"]!["/events"]);
    }

    private async Task<List<string>> ListIds(string status)
    {
        var ids = new List<string>();
        string? after = null;
        do
        {
            var page = await Json(await _client.GetAsync($"/jobs?status={status}&limit=500" + (after is null ? "" : $"&after={after}")));
            ids.AddRange(page["items"]!.AsArray().Select(j => (string)j!["id"]!));
            after = (string?)page["next"];
        }
        while (after is not null);
        return ids;
    }
}
