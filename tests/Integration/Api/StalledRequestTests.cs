using System.Text;
using JobLog.Integration.Fixtures;
using Xunit;

namespace JobLog.Integration.Api;

/// <summary>A request that stops arriving is answered with a request-timeout problem, whether it stalls in its headers or its body.</summary>
[Collection(PostgresFixture.Collection)]
public sealed class StalledRequestTests(PostgresFixture postgres, ImpatientKestrelApiFixture node) : IClassFixture<ImpatientKestrelApiFixture>
{
    [Fact]
    public async Task A_request_whose_headers_stop_arriving_gets_a_request_timeout_problem()
    {
        var address = await node.StartAsync(postgres);
        await using var http = await RawHttp.ConnectAsync(address);

        await http.SendAsync(Encoding.ASCII.GetBytes("GET /jobs HTTP/1.1\r\nHost: x\r\nX-Half: "));

        ServerAnswerTests.AssertProblem(await http.ReadResponseAsync(), 408, "request-timeout");
    }

    [Fact]
    public async Task A_body_shorter_than_its_content_length_gets_a_request_timeout_problem_and_changes_nothing()
    {
        var address = await node.StartAsync(postgres);
        using var client = node.Host.CreateClient();
        var before = await client.LastSequence();
        await using var http = await RawHttp.ConnectAsync(address);

        await http.SendAsync(Encoding.ASCII.GetBytes(
            "POST /jobs HTTP/1.1\r\nHost: x\r\n" + TestKeys.Admin.HeaderLine + "Content-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"name\":\"cut short\","));

        ServerAnswerTests.AssertProblem(await http.ReadResponseAsync(), 408, "request-timeout");
        Assert.Equal(before, await client.LastSequence());
    }
}
