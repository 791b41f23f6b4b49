using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit;
using static JobLog.Integration.Api.Http;

namespace JobLog.Integration.Api;

/// <summary>A node whose PostgreSQL is not there answers 503 problems quickly instead of hanging.</summary>
public sealed class StoreOutageTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private ApiHost _host = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _host = new ApiHost($"Host=127.0.0.1;Port={ClosedPort()};Username=postgres;Database=postgres;Timeout=3");
        _client = _host.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("POST", "/jobs", """{"name":"n","cron":"0 3 * * *","target":{"url":"https://e.test"}}""", null)]
    [InlineData("GET", "/jobs/some-job", null, null)]
    [InlineData("GET", "/jobs/some-job/history", null, null)]
    [InlineData("POST", "/jobs/some-job/pause", null, "\"1\"")]
    [InlineData("GET", "/events", null, null)]
    public async Task A_store_on_a_closed_port_gives_a_503_problem_within_the_deadline(
        string method, string path, string? body, string? ifMatch)
    {
        var clock = Stopwatch.StartNew();

        var response = await _client.Send(new HttpMethod(method), path, body, ifMatch);

        var problem = await ExpectProblem(response, HttpStatusCode.ServiceUnavailable);
        Assert.True(clock.Elapsed < Deadline, $"took {clock.Elapsed}");
        Assert.Equal("https://joblog.dev/problems/store-unavailable", (string?)problem["type"]);
    }

    [Fact]
    public async Task Readiness_is_a_503_problem_while_liveness_stays_200()
    {
        var clock = Stopwatch.StartNew();

        var ready = await _client.GetAsync("/readyz");

        var problem = await ExpectProblem(ready, HttpStatusCode.ServiceUnavailable);
        Assert.True(clock.Elapsed < Deadline, $"took {clock.Elapsed}");
        Assert.Equal("https://joblog.dev/problems/not-ready", (string?)problem["type"]);
        Assert.Contains("unreachable", (string?)problem["detail"]);
        await Expect(await _client.GetAsync("/healthz"), HttpStatusCode.OK);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
