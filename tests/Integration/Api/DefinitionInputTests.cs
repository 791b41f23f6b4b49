using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using JobLog.Integration.Fixtures;
using Xunit;

namespace JobLog.Integration.Api;

/// <summary>
/// A job definition's input rules over HTTP: strings that cannot be stored, time zone spellings, strict cron.
/// Only the documented contract is relied on: the status, the problem <c>type</c>, <c>errors</c> keyed by field
/// and <c>field</c>.
/// </summary>
[Collection(PostgresFixture.Collection)]
public sealed class DefinitionInputTests(PostgresFixture postgres, ApiHostFixture host) : IClassFixture<ApiHostFixture>, IAsyncLifetime
{
    private const string Nul = "\u0000";
    private HttpClient _client = null!;

    public async Task InitializeAsync() => _client = await host.ReadyClientAsync(postgres);

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("name")]
    [InlineData("cron")]
    [InlineData("timeZone")]
    [InlineData("target.url")]
    [InlineData("target.method")]
    [InlineData("target.body")]
    [InlineData("header value")]
    [InlineData("header name")]
    public async Task A_NUL_in_any_string_of_a_new_job_is_refused_naming_that_field_and_nothing_is_stored(string where)
    {
        var id = NewId();
        var job = Job(id);
        var target = job["target"]!.AsObject();
        var field = where;
        switch (where)
        {
            case "name": job["name"] = "night" + Nul + "ly"; break;
            case "cron": job["cron"] = "0 3" + Nul + " * * *"; break;
            case "timeZone": job["timeZone"] = "Europe/Berlin" + Nul; break;
            case "target.url": target["url"] = "https://example.test/ho" + Nul + "ok"; break;
            case "target.method": target["method"] = "PO" + Nul + "ST"; break;
            case "target.body": target["body"] = "{\"a\":\"" + Nul + "\"}"; break;
            case "header value":
                target["headers"] = new JsonObject { ["X-Trace"] = "a" + Nul + "b" };
                field = "target.headers.X-Trace";
                break;
            default:
                target["headers"] = new JsonObject { ["X-" + Nul + "Trace"] = "1" };
                field = "target.headers.X-" + Nul + "Trace";
                break;
        }
        var before = await LastSequence();

        var response = await Send(HttpMethod.Post, "/jobs", job);

        await ExpectBadRequestNaming(response, field);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/jobs/{id}")).StatusCode);
        Assert.Equal(before, await LastSequence());
    }

    [Fact]
    public async Task A_NUL_in_a_replacement_definition_is_refused_and_the_job_keeps_its_version()
    {
        var id = NewId();
        await ExpectStatus(await Send(HttpMethod.Post, "/jobs", Job(id)), HttpStatusCode.Created);
        var before = await LastSequence();
        var replacement = Job(id);
        replacement.Remove("id");
        replacement["target"]!["body"] = "x" + Nul;

        var response = await Send(HttpMethod.Put, $"/jobs/{id}", replacement, ifMatch: "\"1\"");

        await ExpectBadRequestNaming(response, "target.body");
        Assert.Equal("\"1\"", (await _client.GetAsync($"/jobs/{id}")).Headers.ETag?.ToString());
        Assert.Equal(before, await LastSequence());
    }

    [Theory]
    [InlineData("america/sao_paulo", "America/Sao_Paulo")]
    [InlineData("EUROPE/BERLIN", "Europe/Berlin")]
    [InlineData("utc", "UTC")]
    [InlineData("etc/utc", "Etc/UTC")]
    public async Task A_zone_id_in_another_case_is_stored_and_returned_in_the_zone_database_spelling(string given, string canonical)
    {
        var id = NewId();

        var created = await Send(HttpMethod.Post, "/jobs", Job(id, timeZone: given));

        await ExpectStatus(created, HttpStatusCode.Created);
        Assert.Equal(canonical, (string?)(await Json(created))["timeZone"]);
        Assert.Equal(canonical, (string?)(await Json(await _client.GetAsync($"/jobs/{id}")))["timeZone"]);
        var history = JsonNode.Parse(await _client.GetStringAsync($"/jobs/{id}/history"))!.AsArray();
        Assert.Equal(canonical, (string?)history[0]!["data"]!["definition"]!["timeZone"]);
    }

    [Fact]
    public async Task A_replacement_definition_with_a_lowercase_zone_is_stored_in_the_zone_database_spelling()
    {
        var id = NewId();
        await ExpectStatus(await Send(HttpMethod.Post, "/jobs", Job(id)), HttpStatusCode.Created);
        var replacement = Job(id, timeZone: "asia/kolkata");
        replacement.Remove("id");

        var updated = await Send(HttpMethod.Put, $"/jobs/{id}", replacement, ifMatch: "\"1\"");

        await ExpectStatus(updated, HttpStatusCode.OK);
        Assert.Equal("Asia/Kolkata", (string?)(await Json(updated))["timeZone"]);
    }

    [Theory]
    [InlineData("Factory")]
    [InlineData("posixrules")]
    [InlineData("localtime")]
    [InlineData("posix/Europe/Berlin")]
    [InlineData("right/UTC")]
    [InlineData("zone.tab")]
    [InlineData("tzdata.zi")]
    [InlineData("leapseconds")]
    [InlineData("Europe//Berlin")]
    [InlineData("W. Europe Standard Time")]
    public async Task A_pseudo_zone_a_file_that_is_no_zone_or_a_Windows_id_is_refused_naming_timeZone(string zone)
    {
        var id = NewId();
        var before = await LastSequence();

        var response = await Send(HttpMethod.Post, "/jobs", Job(id, timeZone: zone));

        await ExpectBadRequestNaming(response, "timeZone");
        Assert.Equal(before, await LastSequence());
    }

    [Theory]
    [InlineData("0-99999999999 * * * *")]
    [InlineData("*/99999999999 * * * *")]
    [InlineData("*/0 * * * *")]
    [InlineData("5-1 * * * *")]
    [InlineData("0 0-2147483648 * * *")]
    [InlineData("* * * * 7")]
    public async Task An_overflowing_zero_stepped_backwards_or_out_of_range_cron_is_refused_naming_cron(string cron)
    {
        var id = NewId();
        var before = await LastSequence();

        var response = await Send(HttpMethod.Post, "/jobs", Job(id, cron: cron));

        await ExpectBadRequestNaming(response, "cron");
        Assert.Equal(before, await LastSequence());
    }

    [Fact]
    public async Task A_definition_with_a_bad_cron_and_a_bad_zone_names_both_fields()
    {
        var response = await Send(HttpMethod.Post, "/jobs", Job(NewId(), cron: "*/0 * * * *", timeZone: "Factory"));

        var problem = await ExpectBadRequestNaming(response, "cron");
        Assert.Contains("timeZone", problem["errors"]!.AsObject().Select(e => e.Key));
    }

    private static string NewId() => $"def-{Guid.NewGuid():N}"[..24];

    private static JsonObject Job(string id, string cron = "0 3 * * *", string? timeZone = null)
    {
        var job = new JsonObject
        {
            ["id"] = id,
            ["name"] = "nightly report",
            ["cron"] = cron,
            ["target"] = new JsonObject { ["url"] = "https://example.test/hook" },
        };
        if (timeZone is not null)
            job["timeZone"] = timeZone;
        return job;
    }

    private Task<HttpResponseMessage> Send(HttpMethod method, string path, JsonObject body, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, path)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (ifMatch is not null)
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return _client.SendAsync(request);
    }

    private static async Task<JsonObject> Json(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    private static async Task ExpectStatus(HttpResponseMessage response, HttpStatusCode status)
    {
        if (response.StatusCode != status)
            Assert.Fail($"Expected {(int)status} but got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<JsonObject> ExpectBadRequestNaming(HttpResponseMessage response, string field)
    {
        await ExpectStatus(response, HttpStatusCode.BadRequest);
        var problem = await Json(response);
        Assert.StartsWith("https://joblog.dev/problems/", (string?)problem["type"]);
        var fields = problem["errors"]?.AsObject().Select(e => e.Key).ToList() ?? [];
        Assert.True((string?)problem["field"] == field || fields.Contains(field),
            $"expected {JsonSerializer.Serialize(field)} in {problem.ToJsonString()}");
        return problem;
    }

    /// <summary>The sequence of the last event the audit feed shows, paging with <c>after=next</c>.</summary>
    private async Task<long> LastSequence()
    {
        var last = 0L;
        while (true)
        {
            var page = JsonNode.Parse(await _client.GetStringAsync($"/events?after={last}&limit=1000"))!.AsObject();
            if (page["items"]!.AsArray().Count == 0)
                return last;
            last = (long)page["next"]!;
        }
    }
}
