using System.Net;
using System.Text;
using JobLog.Integration.Fixtures;
using Xunit;
using static JobLog.Integration.Api.Http;

namespace JobLog.Integration.Api;

/// <summary>
/// Every way a JSON body can be wrong gets its own problem: text that is not JSON is malformed-json; JSON of the wrong
/// shape (unknown field, wrong type, a field given twice) is validation naming every field at fault.
/// </summary>
[Collection(PostgresFixture.Collection)]
public sealed class JsonBodyTests(PostgresFixture postgres, ApiHostFixture host) : IClassFixture<ApiHostFixture>, IAsyncLifetime
{
    private const string Target = "\"target\":{\"url\":\"https://e.test\"}";
    private HttpClient _client = null!;

    public async Task InitializeAsync() => _client = await host.ReadyClientAsync(postgres);

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string, string, string> NotJson => new()
    {
        // name, body, problem type
        { "a truncated object", """{"name":"n",""", "malformed-json" },
        { "a trailing comma", """{"name":"n","cron":"0 3 * * *","target":{"url":"https://e.test"},}""", "malformed-json" },
        { "a comment", """{"name":"n" /* hi */,"cron":"0 3 * * *","target":{"url":"https://e.test"}}""", "malformed-json" },
        { "single quotes", """{'name':'n'}""", "malformed-json" },
        { "an unquoted NaN", """{"name":"n","cron":"0 3 * * *","target":{"url":"https://e.test","timeoutSeconds":NaN}}""", "malformed-json" },
        { "text after the document", """{"name":"n","cron":"0 3 * * *","target":{"url":"https://e.test"}} trailing""", "malformed-json" },
        { "two documents", """{"name":"n","cron":"0 3 * * *","target":{"url":"https://e.test"}}{}""", "malformed-json" },
        { "a raw control character in a string", "{\"name\":\"a\u0001b\",\"cron\":\"0 3 * * *\"," + Target + "}", "malformed-json" },
        { "nesting past the reader's depth", new string('[', 100) + new string(']', 100), "malformed-json" },
        { "plain text", "name=n", "malformed-json" },
    };

    [Theory]
    [MemberData(nameof(NotJson))]
    public async Task A_body_that_is_not_json_is_a_malformed_json_problem_naming_the_body(string name, string body, string type)
    {
        var problem = await Refused(HttpMethod.Post, "/jobs", Encoding.UTF8.GetBytes(body), null);

        Assert.True($"https://joblog.dev/problems/{type}" == (string?)problem["type"], $"{name}: {problem.ToJsonString()}");
        Assert.Equal("body", (string?)problem["field"]);
    }

    [Fact]
    public async Task Bytes_that_are_not_utf8_are_a_malformed_json_problem()
    {
        byte[] body = [.. "{\"name\":"u8, 0x22, 0xC3, 0x28, 0x22, .. Encoding.UTF8.GetBytes(",\"cron\":\"0 3 * * *\"," + Target + "}")];

        var problem = await Refused(HttpMethod.Post, "/jobs", body, null);

        Assert.Equal("https://joblog.dev/problems/malformed-json", (string?)problem["type"]);
    }

    public static TheoryData<string, string, string, string> WrongShape => new()
    {
        // name, path, body, field
        { "a JSON array", "/jobs", "[]", "body" },
        { "a JSON string", "/jobs", "\"job\"", "body" },
        { "an unknown field", "/jobs", """{"name":"n","cron":"0 3 * * *","colour":"red","target":{"url":"https://e.test"}}""", "colour" },
        { "an unknown nested field", "/jobs", """{"name":"n","cron":"0 3 * * *","target":{"url":"https://e.test","verb":"GET"}}""", "target.verb" },
        { "a number for a string", "/jobs", """{"name":5,"cron":"0 3 * * *","target":{"url":"https://e.test"}}""", "name" },
        { "a string for a boolean", "/jobs", """{"name":"n","cron":"0 3 * * *","enabled":"yes","target":{"url":"https://e.test"}}""", "enabled" },
        { "a string for a number", "/jobs", """{"name":"n","cron":"0 3 * * *","target":{"url":"https://e.test","timeoutSeconds":"30"}}""", "target.timeoutSeconds" },
        { "a fraction for a whole number", "/jobs", """{"name":"n","cron":"0 3 * * *","target":{"url":"https://e.test","timeoutSeconds":1.5}}""", "target.timeoutSeconds" },
        { "an exponent for a whole number", "/jobs", """{"name":"n","cron":"0 3 * * *","target":{"url":"https://e.test","timeoutSeconds":3e1}}""", "target.timeoutSeconds" },
        { "a number past 32 bits", "/jobs", """{"name":"n","cron":"0 3 * * *","target":{"url":"https://e.test","timeoutSeconds":3000000000}}""", "target.timeoutSeconds" },
        { "a string for an object", "/jobs", """{"name":"n","cron":"0 3 * * *","target":"https://e.test"}""", "target" },
        { "an array for a map", "/jobs", """{"name":"n","cron":"0 3 * * *","target":{"url":"https://e.test","headers":["a"]}}""", "target.headers" },
        { "a number as a header value", "/jobs", """{"name":"n","cron":"0 3 * * *","target":{"url":"https://e.test","headers":{"X-A":1}}}""", "target.headers.X-A" },
        { "a field given twice", "/jobs", """{"name":"a","name":"b","cron":"0 3 * * *","target":{"url":"https://e.test"}}""", "name" },
        { "a field given twice in two cases", "/jobs", """{"name":"a","Name":"b","cron":"0 3 * * *","target":{"url":"https://e.test"}}""", "name" },
        { "a nested field given twice", "/jobs", """{"name":"n","cron":"0 3 * * *","target":{"url":"https://a.test","url":"https://b.test"}}""", "target.url" },
        { "a header given twice", "/jobs", """{"name":"n","cron":"0 3 * * *","target":{"url":"https://e.test","headers":{"X-A":"1","X-A":"2"}}}""", "target.headers.X-A" },
        { "an unpaired surrogate escape", "/jobs", """{"name":"a\ud800b","cron":"0 3 * * *","target":{"url":"https://e.test"}}""", "name" },
        { "a reason of the wrong type", "/jobs/{known}/pause", """{"reason":5}""", "reason" },
        { "an unknown field next to a reason", "/jobs/{known}/pause", """{"reason":"r","why":"w"}""", "why" },
        { "a reason given twice", "/jobs/{known}/pause", """{"reason":"a","reason":"b"}""", "reason" },
        { "a version of the wrong type in a put", "/jobs/{known}", """{"name":"n","cron":"0 3 * * *","version":"1","target":{"url":"https://e.test"}}""", "version" },
        { "a createdAt that is not a time", "/jobs/{known}", """{"name":"n","cron":"0 3 * * *","createdAt":"yesterday","target":{"url":"https://e.test"}}""", "createdAt" },
    };

    [Theory]
    [MemberData(nameof(WrongShape))]
    public async Task Json_of_the_wrong_shape_is_a_validation_problem_naming_the_field(string name, string path, string body, string field)
    {
        var known = NewId();
        await _client.CreateJob(known);
        var method = path == "/jobs" ? HttpMethod.Post : path.EndsWith("/pause", StringComparison.Ordinal) ? HttpMethod.Post : HttpMethod.Put;

        var problem = await Refused(method, path.Replace("{known}", known, StringComparison.Ordinal), Encoding.UTF8.GetBytes(body), "\"1\"");

        Assert.True("https://joblog.dev/problems/validation" == (string?)problem["type"], $"{name}: {problem.ToJsonString()}");
        Assert.True(field == (string?)problem["field"], $"{name}: {problem.ToJsonString()}");
        Assert.Equal("\"1\"", ETag(await _client.GetAsync($"/jobs/{known}")));
    }

    [Fact]
    public async Task Every_field_of_the_wrong_shape_is_named_at_once()
    {
        var body = """{"name":5,"colour":"red","cron":"0 3 * * *","target":{"url":"https://e.test","timeoutSeconds":"30","verb":"GET"}}""";

        var problem = await Refused(HttpMethod.Post, "/jobs", Encoding.UTF8.GetBytes(body), null);

        Assert.Equal(["colour", "name", "target.timeoutSeconds", "target.verb"],
            problem["errors"]!.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_utf8_body_with_a_byte_order_mark_is_read()
    {
        var id = NewId();
        byte[] body = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Serialize(NewJob(id)))];
        var request = new HttpRequestMessage(HttpMethod.Post, "/jobs") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = JsonType;

        await Expect(await _client.SendAsync(request), HttpStatusCode.Created);
    }

    private async Task<System.Text.Json.Nodes.JsonObject> Refused(HttpMethod method, string path, byte[] body, string? ifMatch)
    {
        var before = await _client.LastSequence();
        var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = JsonType;
        if (ifMatch is not null)
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);

        var problem = await ExpectProblem(await _client.SendAsync(request), HttpStatusCode.BadRequest);

        Assert.Equal(before, await _client.LastSequence());
        return problem;
    }
}
