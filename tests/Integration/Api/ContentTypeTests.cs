using System.Net;
using System.Net.Http.Headers;
using System.Text;
using JobLog.Integration.Fixtures;
using Xunit;
using static JobLog.Integration.Api.Http;

namespace JobLog.Integration.Api;

/// <summary>Bodies are read as JSON in UTF-8 only: any other charset or media type is a 415 naming Content-Type, never guessed at.</summary>
[Collection(PostgresFixture.Collection)]
public sealed class ContentTypeTests(PostgresFixture postgres, ApiHostFixture host) : IClassFixture<ApiHostFixture>, IAsyncLifetime
{
    private HttpClient _client = null!;

    public async Task InitializeAsync() => _client = await host.ReadyClientAsync(postgres);

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string?> Refused => new()
    {
        "application/json; charset=latin1",
        "application/json; charset=iso-8859-1",
        "application/json; charset=utf-16",
        "application/json; charset=\"utf-16\"",
        "application/json; charset=utf8",
        "application/json; charset=us-ascii",
        "application/json; charset=",
        "application/json; charset=utf-8; charset=latin1",
        "text/plain",
        "text/json",
        "application/xml",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonx",
        "json",
        null,
    };

    public static TheoryData<string> Accepted => new()
    {
        "application/json",
        "application/json; charset=utf-8",
        "application/json; charset=UTF-8",
        "application/json;charset=\"utf-8\"",
        "APPLICATION/JSON; Charset=Utf-8",
        "application/merge-patch+json",
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_body_in_another_charset_or_media_type_is_415_naming_content_type_on_every_endpoint_with_a_body(string? contentType)
    {
        var known = NewId();
        await _client.CreateJob(known);
        var before = await _client.LastSequence();

        foreach (var (method, path, json, ifMatch) in Bodies(known))
        {
            var response = await _client.SendAsync(WithBody(method, path, json, contentType, ifMatch));

            var problem = await ExpectProblem(response, HttpStatusCode.UnsupportedMediaType);
            Assert.Equal("https://joblog.dev/problems/unsupported-media-type", (string?)problem["type"]);
            Assert.Equal("Content-Type", (string?)problem["field"]);
        }
        Assert.Equal(before, await _client.LastSequence());
    }

    [Theory]
    [MemberData(nameof(Accepted))]
    public async Task A_json_body_in_utf8_is_read_whatever_the_spelling_of_its_content_type(string contentType)
    {
        var id = NewId();

        var response = await _client.SendAsync(WithBody(HttpMethod.Post, "/jobs", Serialize(NewJob(id, name: "Zürich ☃")), contentType, null));

        await Expect(response, HttpStatusCode.Created);
        Assert.Equal("Zürich ☃", (string?)(await Json(response))["name"]);
    }

    private static IEnumerable<(HttpMethod Method, string Path, string Json, string? IfMatch)> Bodies(string known) =>
    [
        (HttpMethod.Post, "/jobs", Serialize(NewJob(NewId())), null),
        (HttpMethod.Put, $"/jobs/{known}", Serialize(NewJob(known)), "\"1\""),
        (HttpMethod.Post, $"/jobs/{known}/pause", """{"reason":"r"}""", "\"1\""),
    ];

    private static HttpRequestMessage WithBody(HttpMethod method, string path, string json, string? contentType, string? ifMatch)
    {
        var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(json)) };
        if (contentType is not null)
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        if (ifMatch is not null)
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return request;
    }
}
