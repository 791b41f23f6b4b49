using System.Net;
using JobLog.Integration.Api;
using JobLog.Integration.Fixtures;
using Xunit;
using static JobLog.Integration.Api.Http;

namespace JobLog.Integration.Auth;

/// <summary>Writes are limited per identity: over the limit is a 429 problem with Retry-After that changes nothing, and the limit recovers.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private const int Limit = 3;

    private readonly ApiHost _host = new(connectionString: null)
    {
        Settings = new Dictionary<string, string?>
        {
            ["JobLog:UseInMemoryStore"] = "true",
            ["JobLog:Auth:RateLimit:PermitLimit"] = $"{Limit}",
            ["JobLog:Auth:RateLimit:Window"] = "00:00:10",
        },
    };

    private HttpClient _client = null!;

    public async Task InitializeAsync() => _client = await _host.ReadyClientAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Writes_over_the_limit_are_429_with_Retry_After_for_that_identity_only_and_the_limit_recovers()
    {
        for (var i = 0; i < Limit; i++)
            await Expect(await Add(NewId(), TestKeys.Editor), HttpStatusCode.Created);
        var before = await _client.LastSequence();
        var refusedId = NewId();

        var refused = await Add(refusedId, TestKeys.Editor);

        var problem = await ExpectProblem(refused, HttpStatusCode.TooManyRequests);
        Assert.Equal("https://joblog.dev/problems/too-many-requests", (string?)problem["type"]);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter is { } wait && wait >= TimeSpan.FromSeconds(1) && wait <= TimeSpan.FromSeconds(10),
            $"Retry-After: {refused.Headers.RetryAfter}");
        Assert.Equal(before, await _client.LastSequence());
        await ExpectProblem(await _client.GetAsync($"/jobs/{refusedId}"), HttpStatusCode.NotFound);
        // Another identity writes, and the limited one still reads.
        await Expect(await Add(NewId(), TestKeys.Ops), HttpStatusCode.Created);
        await Expect(await _client.Send(HttpMethod.Get, "/jobs", key: TestKeys.Editor), HttpStatusCode.OK);

        await Eventually(async () => (await Add(NewId(), TestKeys.Editor)).StatusCode == HttpStatusCode.Created,
            TimeSpan.FromSeconds(60), "the editor may write again once the window has passed");
    }

    private Task<HttpResponseMessage> Add(string id, TestKey key) => _client.Send(HttpMethod.Post, "/jobs", Serialize(NewJob(id)), key: key);
}
