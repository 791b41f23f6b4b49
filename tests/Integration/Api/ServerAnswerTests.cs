using System.Text;
using JobLog.Api.Api;
using JobLog.Integration.Fixtures;
using Xunit;

namespace JobLog.Integration.Api;

/// <summary>
/// Requests the web server refuses before the application sees them get a problem document with a meaningful type,
/// like every other error, over a real TCP connection to Kestrel.
/// </summary>
[Collection(PostgresFixture.Collection)]
public sealed class ServerAnswerTests(PostgresFixture postgres, KestrelApiFixture node) : IClassFixture<KestrelApiFixture>
{
    public static TheoryData<string, string, int, string> Refused => new()
    {
        // name, request, status, problem type
        { "a request line with a bad method token", "GE(T /jobs HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad-request" },
        { "a request line without a version", "GET /jobs\r\nHost: x\r\n\r\n", 400, "bad-request" },
        { "a request target with a space", "GET /jo bs HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad-request" },
        { "a header line without a colon", "GET /jobs HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n", 400, "bad-request" },
        { "a header name with a space", "GET /jobs HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n", 400, "bad-request" },
        { "no Host header", "GET /jobs HTTP/1.1\r\n\r\n", 400, "bad-request" },
        { "two Host headers", "GET /jobs HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400, "bad-request" },
        { "a transfer coding other than chunked", "POST /jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip\r\n\r\n", 400, "bad-request" },
        { "an HTTP/1.0 POST without a length", "POST /jobs HTTP/1.0\r\nHost: x\r\nContent-Type: application/json\r\n\r\n{}", 400, "bad-request" },
        { "an unknown HTTP version", "GET /jobs HTTP/1.7\r\nHost: x\r\n\r\n", 505, "http-version-not-supported" },
        { "headers over the server's limit", $"GET /jobs HTTP/1.1\r\nHost: x\r\nX-Big: {new string('a', 40_000)}\r\n\r\n", 431, "headers-too-large" },
        { "more header lines than the server takes", $"GET /jobs HTTP/1.1\r\nHost: x\r\n{string.Concat(Enumerable.Range(0, 120).Select(i => $"X-H{i}: v\r\n"))}\r\n", 431, "headers-too-large" },
        { "a request line over the server's limit", $"GET /jobs?after={new string('a', 10_000)} HTTP/1.1\r\nHost: x\r\n\r\n", 414, "uri-too-long" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_request_the_server_refuses_by_itself_gets_a_problem_document_with_its_type(
        string name, string request, int status, string type)
    {
        var address = await node.StartAsync(postgres);

        var response = await RawHttp.ExchangeAsync(address, request);

        Assert.True(status == response.Status, $"{name}: {response}");
        AssertProblem(response, status, type);
    }

    [Fact]
    public async Task A_bad_request_after_a_good_one_on_the_same_connection_leaves_the_good_answer_untouched()
    {
        var address = await node.StartAsync(postgres);
        await using var http = await RawHttp.ConnectAsync(address);

        await http.SendAsync(Encoding.ASCII.GetBytes(
            "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n" + TestKeys.Admin.HeaderLine
            + "\r\nGET /jobs HTTP/1.1\r\nHost: x\r\nBroken\r\n\r\n"));

        var healthy = await http.ReadResponseAsync();
        Assert.Equal(200, healthy.Status);
        Assert.Equal("alive", (string?)healthy.Json()["status"]);
        var missing = await http.ReadResponseAsync();
        AssertProblem(missing, 404, "not-found");
        var broken = await http.ReadResponseAsync();
        AssertProblem(broken, 400, "bad-request");
        Assert.True(await http.ClosedByServerAsync());
    }

    [Fact]
    public async Task A_chunked_body_with_broken_framing_is_a_400_problem_naming_the_body()
    {
        var address = await node.StartAsync(postgres);

        var response = await RawHttp.ExchangeAsync(address,
            "POST /jobs HTTP/1.1\r\nHost: x\r\n" + TestKeys.Admin.HeaderLine
            + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");

        var problem = AssertProblem(response, 400, "bad-request");
        Assert.Equal("body", (string?)problem["field"]);
    }

    [Fact]
    public void No_client_error_status_is_typed_as_an_internal_failure()
    {
        for (var status = 400; status < 500; status++)
            Assert.NotEqual(ProblemTypes.Internal, ProblemTypes.ForStatus(status));
    }

    public static System.Text.Json.Nodes.JsonObject AssertProblem(RawResponse response, int status, string type)
    {
        Assert.True(status == response.Status, response.ToString());
        Assert.Equal("application/problem+json", response.Header("Content-Type")?.Split(';')[0]);
        var problem = response.Json();
        Assert.Equal($"https://joblog.dev/problems/{type}", (string?)problem["type"]);
        Assert.Equal(status, (int?)problem["status"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["title"]), response.ToString());
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["detail"]), response.ToString());
        return problem;
    }
}
