using System.Net;
using JobLog.Integration.Fixtures;
using Xunit;
using static JobLog.Integration.Api.Http;

namespace JobLog.Integration.Api;

[Collection(PostgresFixture.Collection)]
public sealed class BadRequestTests(PostgresFixture postgres, ApiHostFixture host) : IClassFixture<ApiHostFixture>, IAsyncLifetime
{
    private const string Known = "known-job";
    private const string Valid = """{"name":"n","cron":"0 3 * * *","target":{"url":"https://example.test/h"}}""";
    private HttpClient _client = null!;

    public async Task InitializeAsync() => _client = await host.ReadyClientAsync(postgres);

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string, string, string, string?, string?, int, string> Cases => new()
    {
        // name, method, path, body, If-Match, status, field
        { "malformed JSON", "POST", "/jobs", """{"name": "x", """, null, 400, "body" },
        { "body is a JSON array", "POST", "/jobs", "[]", null, 400, "body" },
        { "no body at all", "POST", "/jobs", null, null, 400, "body" },
        { "body is JSON null", "POST", "/jobs", "null", null, 400, "body" },
        { "duplicate property", "POST", "/jobs", """{"name":"a","name":"b","cron":"0 3 * * *","target":{"url":"https://e.test"}}""", null, 400, "name" },
        { "name of the wrong type", "POST", "/jobs", """{"name":5,"cron":"0 3 * * *","target":{"url":"https://e.test"}}""", null, 400, "name" },
        { "enabled of the wrong type", "POST", "/jobs", """{"name":"n","cron":"0 3 * * *","enabled":"yes","target":{"url":"https://e.test"}}""", null, 400, "enabled" },
        { "timeout as a string", "POST", "/jobs", """{"name":"n","cron":"0 3 * * *","target":{"url":"https://e.test","timeoutSeconds":"30"}}""", null, 400, "target.timeoutSeconds" },
        { "unknown top-level field", "POST", "/jobs", """{"name":"n","cron":"0 3 * * *","colour":"red","target":{"url":"https://e.test"}}""", null, 400, "colour" },
        { "unknown target field", "POST", "/jobs", """{"name":"n","cron":"0 3 * * *","target":{"url":"https://e.test","verb":"GET"}}""", null, 400, "target.verb" },
        { "missing name", "POST", "/jobs", """{"cron":"0 3 * * *","target":{"url":"https://e.test"}}""", null, 400, "name" },
        { "missing cron", "POST", "/jobs", """{"name":"n","target":{"url":"https://e.test"}}""", null, 400, "cron" },
        { "missing target", "POST", "/jobs", """{"name":"n","cron":"0 3 * * *"}""", null, 400, "target" },
        { "missing target url", "POST", "/jobs", """{"name":"n","cron":"0 3 * * *","target":{}}""", null, 400, "target.url" },
        { "invalid cron", "POST", "/jobs", """{"name":"n","cron":"61 * * * *","target":{"url":"https://e.test"}}""", null, 400, "cron" },
        { "cron with too few fields", "POST", "/jobs", """{"name":"n","cron":"* *","target":{"url":"https://e.test"}}""", null, 400, "cron" },
        { "unknown time zone", "POST", "/jobs", """{"name":"n","cron":"0 3 * * *","timeZone":"Mars/Olympus","target":{"url":"https://e.test"}}""", null, 400, "timeZone" },
        { "ftp URL", "POST", "/jobs", """{"name":"n","cron":"0 3 * * *","target":{"url":"ftp://e.test/x"}}""", null, 400, "target.url" },
        { "relative URL", "POST", "/jobs", """{"name":"n","cron":"0 3 * * *","target":{"url":"/hook"}}""", null, 400, "target.url" },
        { "unknown method", "POST", "/jobs", """{"name":"n","cron":"0 3 * * *","target":{"url":"https://e.test","method":"FETCH"}}""", null, 400, "target.method" },
        { "timeout out of range", "POST", "/jobs", """{"name":"n","cron":"0 3 * * *","target":{"url":"https://e.test","timeoutSeconds":0}}""", null, 400, "target.timeoutSeconds" },
        { "null header value", "POST", "/jobs", """{"name":"n","cron":"0 3 * * *","target":{"url":"https://e.test","headers":{"X-A":null}}}""", null, 400, "target.headers.X-A" },
        { "blank name", "POST", "/jobs", """{"name":"  ","cron":"0 3 * * *","target":{"url":"https://e.test"}}""", null, 400, "name" },
        { "id with capitals and punctuation", "POST", "/jobs", """{"id":"Bad!","name":"n","cron":"0 3 * * *","target":{"url":"https://e.test"}}""", null, 400, "id" },
        { "id longer than 64", "POST", "/jobs", $$$"""{"id":"{{{new string('a', 65)}}}","name":"n","cron":"0 3 * * *","target":{"url":"https://e.test"}}""", null, 400, "id" },
        { "existing id", "POST", "/jobs", $$$"""{"id":"{{{Known}}}","name":"n","cron":"0 3 * * *","target":{"url":"https://e.test"}}""", null, 409, "id" },
        { "body over 64 KiB", "POST", "/jobs", $$$"""{"name":"n","cron":"0 3 * * *","target":{"url":"https://e.test","body":"{{{new string('x', 70_000)}}}"}}""", null, 413, "body" },
        { "put with an id field", "PUT", $"/jobs/{Known}", """{"id":"x","name":"n","cron":"0 3 * * *","target":{"url":"https://e.test"}}""", "\"1\"", 400, "id" },
        { "put with an enabled field", "PUT", $"/jobs/{Known}", """{"enabled":false,"name":"n","cron":"0 3 * * *","target":{"url":"https://e.test"}}""", "\"1\"", 400, "enabled" },
        { "put with an invalid cron", "PUT", $"/jobs/{Known}", """{"name":"n","cron":"nope","target":{"url":"https://e.test"}}""", "\"1\"", 400, "cron" },
        { "put without If-Match", "PUT", $"/jobs/{Known}", Valid, null, 428, "If-Match" },
        { "weak If-Match", "PUT", $"/jobs/{Known}", Valid, "W/\"1\"", 400, "If-Match" },
        { "unquoted If-Match", "POST", $"/jobs/{Known}/pause", null, "1", 400, "If-Match" },
        { "non-numeric If-Match", "POST", $"/jobs/{Known}/pause", null, "\"one\"", 400, "If-Match" },
        { "stale If-Match", "POST", $"/jobs/{Known}/pause", null, "\"7\"", 412, "If-Match" },
        { "reason of the wrong type", "POST", $"/jobs/{Known}/pause", """{"reason":5}""", "\"1\"", 400, "reason" },
        { "reason with a control character", "POST", $"/jobs/{Known}/pause", """{"reason":"a\u0007b"}""", "\"1\"", 400, "reason" },
        { "reason too long", "DELETE", $"/jobs/{Known}", $$$"""{"reason":"{{{new string('r', 1001)}}}"}""", "\"1\"", 400, "reason" },
        { "restore of an active job", "POST", $"/jobs/{Known}/restore", null, "\"1\"", 409, "status" },
        { "pause of an unknown job", "POST", "/jobs/no-such-job/pause", null, "\"1\"", 404, "id" },
        { "job id with capitals in the path", "POST", "/jobs/UPPER/pause", null, "\"1\"", 400, "id" },
        { "version that is not a number", "GET", $"/jobs/{Known}?version=abc", null, null, 400, "version" },
        { "version zero", "GET", $"/jobs/{Known}?version=0", null, null, 400, "version" },
        { "version past the end", "GET", $"/jobs/{Known}?version=99", null, null, 404, "version" },
        { "asOf that is not a time", "GET", $"/jobs/{Known}?asOf=yesterday", null, null, 400, "asOf" },
        { "version and asOf together", "GET", $"/jobs/{Known}?version=1&asOf=2026-01-01T00:00:00Z", null, null, 400, "asOf" },
        { "list limit zero", "GET", "/jobs?limit=0", null, null, 400, "limit" },
        { "list limit over 500", "GET", "/jobs?limit=501", null, null, 400, "limit" },
        { "unknown list status", "GET", "/jobs?status=paused", null, null, 400, "status" },
        { "negative feed position", "GET", "/events?after=-1", null, null, 400, "after" },
        { "feed limit over 1000", "GET", "/events?limit=1001", null, null, 400, "limit" },
        { "schedule count over 1000", "GET", "/schedule?count=1001", null, null, 400, "count" },
        { "schedule from that is not a time", "GET", "/schedule?from=soon", null, null, 400, "from" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_bad_request_is_refused_with_a_problem_naming_the_field_and_changes_nothing(
        string name, string method, string path, string? body, string? ifMatch, int status, string field)
    {
        await EnsureKnownJob();
        var before = await _client.LastSequence();

        var response = await _client.Send(new HttpMethod(method), path, body, ifMatch);

        var problem = await ExpectProblem(response, (HttpStatusCode)status);
        var fields = problem["errors"]?.AsObject().Select(e => e.Key).ToList() ?? [];
        Assert.True(
            (string?)problem["field"] == field || fields.Contains(field),
            $"{name}: expected field {field} in {problem.ToJsonString()}");
        Assert.Equal(before, await _client.LastSequence());
        var known = await _client.GetAsync($"/jobs/{Known}");
        await Expect(known, HttpStatusCode.OK);
        Assert.Equal("\"1\"", ETag(known));
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415_naming_the_content_type()
    {
        var before = await _client.LastSequence();

        var response = await _client.PostAsync("/jobs", new StringContent("name=x", System.Text.Encoding.UTF8, "text/plain"));

        var problem = await ExpectProblem(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Equal("Content-Type", (string?)problem["field"]);
        Assert.Equal(before, await _client.LastSequence());
    }

    private async Task EnsureKnownJob()
    {
        var known = await _client.GetAsync($"/jobs/{Known}");
        if (known.StatusCode == HttpStatusCode.NotFound)
            await _client.CreateJob(Known);
        else
            await Expect(known, HttpStatusCode.OK);
    }
}
