using System.Net;
using System.Net.Http.Json;
using JobLog.Api.Auth;
using JobLog.Integration.Api;
using Xunit;
using static JobLog.Integration.Api.Http;

namespace JobLog.Integration.Auth;

/// <summary>Authentication can be turned off only on a node every address of which is loopback.</summary>
public sealed class AuthOffTests
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(90);

    private static readonly Dictionary<string, string> Off = new()
    {
        ["JobLog__UseInMemoryStore"] = "true",
        ["JobLog__Auth__Enabled"] = "false",
        ["Logging__LogLevel__Default"] = "Warning",
    };

    [Theory]
    [InlineData("http://0.0.0.0:{0}")]
    [InlineData("http://127.0.0.1:{0};http://*:{1}")]
    public async Task A_node_with_authentication_off_refuses_to_start_on_an_address_other_machines_reach(string urls)
    {
        var (exitCode, output) = await ApiProcess.RunToExitAsync(
            Off, string.Format(System.Globalization.CultureInfo.InvariantCulture, urls, ApiProcess.FreePort(), ApiProcess.FreePort()), Startup);

        Assert.True(exitCode != 0, $"exit code {exitCode}: {output}");
        Assert.Contains("JobLog:Auth:Enabled=false is refused", output);
    }

    [Fact]
    public async Task A_node_with_authentication_off_on_loopback_serves_this_machine_as_anonymous_whatever_X_Actor_says()
    {
        await using var api = await ApiProcess.StartAsync(Off, ApiProcess.FreePort(), Startup);
        using var client = new HttpClient { BaseAddress = api.BaseAddress };
        var id = NewId();

        await Expect(await client.GetAsync("/jobs"), HttpStatusCode.OK);
        var request = new HttpRequestMessage(HttpMethod.Post, "/jobs") { Content = JsonContent.Create(NewJob(id)) };
        request.Headers.TryAddWithoutValidation("X-Actor", "mallory");
        await Expect(await client.SendAsync(request), HttpStatusCode.Created);

        var history = await JsonArray(await client.GetAsync($"/jobs/{id}/history"));
        Assert.Equal("anonymous", (string?)history[0]!["actor"]);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000", true)]
    [InlineData("http://127.1.2.3:5000", true)]
    [InlineData("http://localhost:5000", true)]
    [InlineData("https://LOCALHOST:5001", true)]
    [InlineData("http://[::1]:5000", true)]
    [InlineData("http://unix:/run/joblog.sock", true)]
    [InlineData("http://0.0.0.0:5000", false)]
    [InlineData("http://[::]:5000", false)]
    [InlineData("http://*:5000", false)]
    [InlineData("http://+:5000", false)]
    [InlineData("http://10.0.0.7:5000", false)]
    [InlineData("http://[fe80::1]:5000", false)]
    [InlineData("http://joblog.example.test:5000", false)]
    [InlineData("http://localhost.example.test:5000", false)]
    [InlineData("not an address", false)]
    public void Only_loopback_addresses_and_unix_sockets_count_as_reachable_from_this_machine_alone(string address, bool loopback)
    {
        Assert.Equal(loopback, ListenAddresses.IsLoopback(address));
    }
}
