using System.Net;
using JobLog.Integration.Fixtures;
using Xunit;
using static JobLog.Integration.Api.Http;

namespace JobLog.Integration.Api;

/// <summary>
/// If-Match is compared as the exact ETag the API issued (<c>"1"</c>): any other spelling of the same number is not
/// that ETag and is refused as malformed (400); an ETag of the issued form for another version is stale (412).
/// </summary>
[Collection(PostgresFixture.Collection)]
public sealed class IfMatchTests(PostgresFixture postgres, ApiHostFixture host) : IClassFixture<ApiHostFixture>, IAsyncLifetime
{
    private HttpClient _client = null!;

    public async Task InitializeAsync() => _client = await host.ReadyClientAsync(postgres);

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string> NotAnIssuedETag => new()
    {
        "\"01\"", "\"001\"", "\"+1\"", "\" 1\"", "\"1 \"", "\"1.0\"", "\"1e0\"", "\"0x1\"", "\"١\"", "\"1\u00a0\"",
        "\"0\"", "\"-1\"", "\"\"", "\"99999999999999999999\"", "\"one\"",
        "W/\"1\"", "w/\"1\"", "*", "1", "\"1", "1\"", "'1'", "\"1\", \"1\"", "\"1\",\"2\"", "\"1\"\"",
    };

    [Theory]
    [MemberData(nameof(NotAnIssuedETag))]
    public async Task An_if_match_that_is_not_an_etag_the_api_issued_is_400_naming_if_match_and_changes_nothing(string ifMatch)
    {
        var id = NewId();
        await _client.CreateJob(id);

        foreach (var (method, path, body) in Changes(id))
        {
            var response = await _client.Send(method, path, body, ifMatch);

            var problem = await ExpectProblem(response, HttpStatusCode.BadRequest);
            Assert.Equal("If-Match", (string?)problem["field"]);
        }
        Assert.Equal("\"1\"", ETag(await _client.GetAsync($"/jobs/{id}")));
    }

    [Theory]
    [InlineData("\"2\"")]
    [InlineData("\"10\"")]
    [InlineData("\"9223372036854775807\"")]
    public async Task An_issued_form_etag_of_another_version_is_412_with_the_current_version(string ifMatch)
    {
        var id = NewId();
        await _client.CreateJob(id);

        foreach (var (method, path, body) in Changes(id))
        {
            var response = await _client.Send(method, path, body, ifMatch);

            var problem = await ExpectProblem(response, HttpStatusCode.PreconditionFailed);
            Assert.Equal(1, (long?)problem["currentVersion"]);
            Assert.Equal("\"1\"", ETag(response));
        }
    }

    [Fact]
    public async Task Two_if_match_header_lines_are_400_even_when_both_name_the_current_version()
    {
        var id = NewId();
        await _client.CreateJob(id);
        var request = new HttpRequestMessage(HttpMethod.Post, $"/jobs/{id}/pause");
        request.Headers.TryAddWithoutValidation("If-Match", ["\"1\"", "\"1\""]);

        var problem = await ExpectProblem(await _client.SendAsync(request), HttpStatusCode.BadRequest);

        Assert.Equal("If-Match", (string?)problem["field"]);
    }

    [Fact]
    public async Task The_etag_exactly_as_issued_is_accepted_with_whitespace_around_it()
    {
        var id = NewId();
        await _client.CreateJob(id);

        var response = await _client.Send(HttpMethod.Post, $"/jobs/{id}/pause", null, " \"1\"\t");

        await Expect(response, HttpStatusCode.OK);
        Assert.Equal("\"2\"", ETag(response));
    }

    private static IEnumerable<(HttpMethod Method, string Path, string? Body)> Changes(string id) =>
    [
        (HttpMethod.Put, $"/jobs/{id}", Serialize(NewJob(id))),
        (HttpMethod.Post, $"/jobs/{id}/pause", null),
        (HttpMethod.Delete, $"/jobs/{id}", null),
    ];
}
