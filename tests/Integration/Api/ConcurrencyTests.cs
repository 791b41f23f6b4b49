using System.Net;
using JobLog.Integration.Fixtures;
using Xunit;
using static JobLog.Integration.Api.Http;

namespace JobLog.Integration.Api;

[Collection(PostgresFixture.Collection)]
public sealed class ConcurrencyTests(PostgresFixture postgres, ApiHostFixture host) : IClassFixture<ApiHostFixture>, IAsyncLifetime
{
    private HttpClient _client = null!;

    public async Task InitializeAsync() => _client = await host.ReadyClientAsync(postgres);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Two_concurrent_puts_with_the_same_if_match_give_exactly_one_200_and_one_412()
    {
        for (var round = 0; round < 5; round++)
        {
            var id = NewId();
            await _client.CreateJob(id);
            var first = Serialize(NewJob(id, name: "first").Also(j => j.Remove("id")));
            var second = Serialize(NewJob(id, name: "second").Also(j => j.Remove("id")));

            var responses = await Task.WhenAll(
                _client.Send(HttpMethod.Put, $"/jobs/{id}", first, "\"1\""),
                _client.Send(HttpMethod.Put, $"/jobs/{id}", second, "\"1\""));

            var codes = responses.Select(r => r.StatusCode).Order().ToList();
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.PreconditionFailed], codes);
            var loser = await ExpectProblem(responses.Single(r => r.StatusCode == HttpStatusCode.PreconditionFailed), HttpStatusCode.PreconditionFailed);
            Assert.Equal(2, (long?)loser["currentVersion"]);
            var winner = await Json(responses.Single(r => r.StatusCode == HttpStatusCode.OK));
            var stored = await Json(await _client.GetAsync($"/jobs/{id}"));
            Assert.Equal((string?)winner["name"], (string?)stored["name"]);
            Assert.Equal(2, (long?)stored["version"]);
        }
    }

    [Fact]
    public async Task Many_concurrent_changes_to_one_job_never_skip_or_reuse_a_version()
    {
        var id = NewId();
        await _client.CreateJob(id);
        var ok = 0;
        for (var round = 0; round < 10; round++)
        {
            var version = (long)(await Json(await _client.GetAsync($"/jobs/{id}")))["version"]!;
            var verb = version % 2 == 1 ? "pause" : "resume";
            var responses = await Task.WhenAll(Enumerable.Range(0, 4)
                .Select(_ => _client.Send(HttpMethod.Post, $"/jobs/{id}/{verb}", null, $"\"{version}\"")));
            ok += responses.Count(r => r.StatusCode == HttpStatusCode.OK);
            Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.PreconditionFailed }));
        }

        var history = await JsonArray(await _client.GetAsync($"/jobs/{id}/history"));
        Assert.Equal(10, ok);
        Assert.Equal(Enumerable.Range(1, 11).Select(v => (long)v), history.Select(e => (long)e!["version"]!));
    }
}
