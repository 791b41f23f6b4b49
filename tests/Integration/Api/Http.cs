using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using JobLog.Integration.Fixtures;
using Xunit;

namespace JobLog.Integration.Api;

/// <summary>Small request helpers so each test reads as the HTTP exchange it checks.</summary>
public static class Http
{
    public static JsonObject NewJob(string id, string name = "nightly report", string cron = "0 3 * * *") => new()
    {
        ["id"] = id,
        ["name"] = name,
        ["cron"] = cron,
        ["target"] = new JsonObject { ["url"] = "https://example.test/hook" },
    };

    public static string NewId() => $"job-{Guid.NewGuid():N}"[..24];

    public static Task<HttpResponseMessage> Send(
        this HttpClient client, HttpMethod method, string path, string? body = null, string? ifMatch = null, TestKey? key = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        if (ifMatch is not null)
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        if (key is not null)
            request.Headers.Authorization = key.Bearer;
        return client.SendAsync(request);
    }

    public static async Task<JsonObject> CreateJob(this HttpClient client, string id, string cron = "0 3 * * *")
    {
        var response = await client.PostAsJsonAsync("/jobs", NewJob(id, cron: cron));
        await Expect(response, HttpStatusCode.Created);
        return await Json(response);
    }

    public static async Task<JsonObject> Json(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())?.AsObject()
        ?? throw new InvalidOperationException("Empty JSON body.");

    public static async Task<JsonArray> JsonArray(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())?.AsArray()
        ?? throw new InvalidOperationException("Empty JSON body.");

    public static async Task Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        if (response.StatusCode != status)
            Assert.Fail($"Expected {(int)status} but got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Asserts an RFC 9457 problem with the status, and returns it.</summary>
    public static async Task<JsonObject> ExpectProblem(HttpResponseMessage response, HttpStatusCode status)
    {
        await Expect(response, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await Json(response);
        Assert.StartsWith("https://joblog.dev/problems/", (string?)problem["type"]);
        Assert.Equal((int)status, (int?)problem["status"]);
        return problem;
    }

    public static string? ETag(HttpResponseMessage response) => response.Headers.ETag?.ToString();

    public static async Task<long> LastSequence(this HttpClient client)
    {
        var last = 0L;
        while (true)
        {
            var page = await Json(await client.GetAsync($"/events?after={last}&limit=1000"));
            if (page["items"]!.AsArray().Count == 0)
                return last;
            last = (long)page["next"]!;
        }
    }

    public static MediaTypeHeaderValue JsonType => new("application/json");

    public static string Serialize(JsonNode node) => node.ToJsonString(JsonSerializerOptions.Web);
}
