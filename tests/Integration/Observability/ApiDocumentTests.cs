using System.Net;
using System.Text.Json.Nodes;
using JobLog.Integration.Api;
using Xunit;
using static JobLog.Integration.Api.Http;

namespace JobLog.Integration.Observability;

/// <summary>The OpenAPI document says what the API requires (credentials, If-Match) and answers, and /docs shows it offline.</summary>
public sealed class ApiDocumentTests : IAsyncLifetime
{
    private static readonly string[] Anonymous = ["/healthz", "/readyz"];
    private static readonly string[] Changes =
        ["PUT /jobs/{id}", "POST /jobs/{id}/pause", "POST /jobs/{id}/resume", "DELETE /jobs/{id}", "POST /jobs/{id}/restore"];

    private readonly ApiHost _host = new(connectionString: null)
    {
        Settings = new Dictionary<string, string?> { ["JobLog:UseInMemoryStore"] = "true" },
    };

    private HttpClient _anonymous = null!;
    private JsonObject _document = null!;

    public async Task InitializeAsync()
    {
        await _host.ReadyClientAsync();
        _anonymous = _host.CreateAnonymousClient();
        var response = await _anonymous.GetAsync("/openapi/v1.json");
        await Expect(response, HttpStatusCode.OK);
        _document = await Json(response);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public void The_document_declares_the_bearer_scheme_that_api_keys_and_tokens_share()
    {
        var scheme = _document["components"]?["securitySchemes"]?["Bearer"];
        Assert.NotNull(scheme);
        Assert.Equal("http", (string?)scheme["type"]);
        Assert.Equal("bearer", (string?)scheme["scheme"]);
    }

    [Fact]
    public void Every_operation_but_health_requires_the_bearer_scheme_and_declares_401_and_403_problems()
    {
        foreach (var (name, operation) in Operations())
        {
            var path = name[(name.IndexOf(' ', StringComparison.Ordinal) + 1)..];
            var security = operation["security"]?.AsArray();
            var responses = operation["responses"]!.AsObject();
            if (Anonymous.Contains(path))
            {
                Assert.True(security is null || security.Count == 0, $"{name} is anonymous but declares {security}");
                Assert.False(responses.ContainsKey("401"), $"{name} is anonymous but declares 401");
                continue;
            }
            Assert.True(security is { Count: > 0 } && security[0]!.AsObject().ContainsKey("Bearer"), $"{name} declares no Bearer requirement");
            foreach (var status in new[] { "401", "403" })
                AssertProblem(name, responses, status);
        }
    }

    [Fact]
    public void Every_change_requires_if_match_declares_428_and_412_and_every_versioned_answer_carries_an_etag()
    {
        var operations = Operations();
        foreach (var name in Changes)
        {
            var operation = operations[name];
            var ifMatch = operation["parameters"]?.AsArray().FirstOrDefault(p => (string?)p!["name"] == "If-Match");
            Assert.True(ifMatch is not null, $"{name} declares no If-Match");
            Assert.Equal("header", (string?)ifMatch["in"]);
            Assert.True((bool?)ifMatch["required"], $"{name}: If-Match is not required");
            var responses = operation["responses"]!.AsObject();
            AssertProblem(name, responses, "428");
            AssertProblem(name, responses, "412");
            AssertProblem(name, responses, "429");
            Assert.True(responses["200"]?["headers"]?["ETag"] is not null, $"{name}: 200 without ETag");
            Assert.True(responses["412"]?["headers"]?["ETag"] is not null, $"{name}: 412 without ETag");
        }
        Assert.True(operations["POST /jobs"]["responses"]?["201"]?["headers"]?["ETag"] is not null, "POST /jobs: 201 without ETag");
        Assert.True(operations["GET /jobs/{id}"]["responses"]?["200"]?["headers"]?["ETag"] is not null, "GET /jobs/{id}: 200 without ETag");
        AssertProblem("POST /jobs", operations["POST /jobs"]["responses"]!.AsObject(), "429");
        Assert.Null(operations["POST /jobs"]["parameters"]?.AsArray().FirstOrDefault(p => (string?)p!["name"] == "If-Match"));
    }

    [Fact]
    public async Task The_docs_page_is_served_without_a_credential_and_loads_nothing_from_another_host()
    {
        var page = await _anonymous.GetAsync("/docs/");
        await Expect(page, HttpStatusCode.OK);
        var html = await page.Content.ReadAsStringAsync();

        Assert.Contains("openapi/v1.json", html);
        Assert.DoesNotContain("src=\"http", html);
        Assert.DoesNotContain("href=\"http", html);
        Assert.DoesNotContain("\"withDefaultFonts\":true", html);
        var script = await _anonymous.GetAsync("/docs/scalar.js");
        await Expect(script, HttpStatusCode.OK);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.True((await script.Content.ReadAsByteArrayAsync()).Length > 100_000, "scalar.js is not the bundled script");
    }

    private Dictionary<string, JsonObject> Operations()
    {
        var operations = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var (path, item) in _document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
                operations[$"{method.ToUpperInvariant()} {path}"] = operation!.AsObject();
        }
        Assert.NotEmpty(operations);
        return operations;
    }

    private static void AssertProblem(string operation, JsonObject responses, string status) =>
        Assert.True(responses[status]?["content"]?["application/problem+json"] is not null,
            $"{operation} declares no {status} problem: {responses.ToJsonString()}");
}
