using System.Text;
using JobLog.Api.Auth;
using JobLog.Integration.Api;

namespace JobLog.Integration.Auth;

/// <summary>
/// Every endpoint the API maps ("METHOD route pattern", as the endpoint data source names it) with what it needs; a
/// test fails when the app maps one this table does not have, so no new endpoint goes unchecked.
/// </summary>
public static class EndpointMatrix
{
    public const string Anonymous = "anonymous";

    public static IReadOnlyDictionary<string, EndpointRow> Rows { get; } = new Dictionary<string, EndpointRow>
    {
        ["POST /jobs"] = new(Roles.Editor, 201, _ => Request(HttpMethod.Post, "/jobs", Http.Serialize(Http.NewJob(Http.NewId())))),
        ["GET /jobs"] = new(Roles.Viewer, 200, _ => Request(HttpMethod.Get, "/jobs")),
        ["GET /jobs/{id}"] = new(Roles.Viewer, 200, async admin => await Request(HttpMethod.Get, $"/jobs/{await JobAsync(admin)}")),
        ["GET /jobs/{id}/history"] = new(Roles.Viewer, 200, async admin => await Request(HttpMethod.Get, $"/jobs/{await JobAsync(admin)}/history")),
        ["PUT /jobs/{id}"] = new(Roles.Editor, 200, async admin =>
        {
            var id = await JobAsync(admin);
            return await Request(HttpMethod.Put, $"/jobs/{id}", Http.Serialize(Http.NewJob(id, name: "renamed")), "\"1\"");
        }),
        ["POST /jobs/{id}/pause"] = new(Roles.Editor, 200, async admin => await Request(HttpMethod.Post, $"/jobs/{await JobAsync(admin)}/pause", ifMatch: "\"1\"")),
        ["POST /jobs/{id}/resume"] = new(Roles.Editor, 200, async admin =>
            await Request(HttpMethod.Post, $"/jobs/{await JobAsync(admin, "pause")}/resume", ifMatch: "\"2\"")),
        ["DELETE /jobs/{id}"] = new(Roles.Editor, 200, async admin => await Request(HttpMethod.Delete, $"/jobs/{await JobAsync(admin)}", ifMatch: "\"1\"")),
        ["POST /jobs/{id}/restore"] = new(Roles.Editor, 200, async admin =>
            await Request(HttpMethod.Post, $"/jobs/{await JobAsync(admin, "delete")}/restore", ifMatch: "\"2\"")),
        ["GET /events"] = new(Roles.Viewer, 200, _ => Request(HttpMethod.Get, "/events")),
        ["GET /jobs/{id}/runs"] = new(Roles.Viewer, 200, async admin => await Request(HttpMethod.Get, $"/jobs/{await JobAsync(admin)}/runs")),
        ["POST /jobs/{id}/trigger"] = new(Roles.Editor, 202, async admin => await Request(HttpMethod.Post, $"/jobs/{await JobAsync(admin)}/trigger")),
        ["GET /runs"] = new(Roles.Viewer, 200, _ => Request(HttpMethod.Get, "/runs")),
        ["GET /runs/{runId}"] = new(Roles.Viewer, 200, async admin =>
        {
            var triggered = await admin.PostAsync($"/jobs/{await JobAsync(admin)}/trigger", null);
            await Http.Expect(triggered, System.Net.HttpStatusCode.Accepted);
            return await Request(HttpMethod.Get, $"/runs/{(long)(await Http.Json(triggered))["id"]!}");
        }),
        ["GET /schedule"] = new(Roles.Viewer, 200, _ => Request(HttpMethod.Get, "/schedule")),
        ["GET /cluster"] = new(Roles.Viewer, 200, _ => Request(HttpMethod.Get, "/cluster")),
        ["GET /cron/next"] = new(Roles.Viewer, 200, _ => Request(HttpMethod.Get, "/cron/next?cron=0%203%20*%20*%20*&timeZone=Europe/Berlin")),
        ["GET /me"] = new(Roles.Viewer, 200, _ => Request(HttpMethod.Get, "/me")),
        ["GET /healthz"] = new(Anonymous, 200, _ => Request(HttpMethod.Get, "/healthz")),
        ["GET /readyz"] = new(Anonymous, 200, _ => Request(HttpMethod.Get, "/readyz")),
        // Anonymous by default (JobLog:Auth:AnonymousOpenApi).
        ["GET /openapi/{documentName}.json"] = new(Anonymous, 200, _ => Request(HttpMethod.Get, "/openapi/v1.json")),
        // The interactive docs follow the OpenAPI document's setting; the page and its scripts are served by the node.
        ["GET /docs/{documentName?}"] = new(Anonymous, 200, _ => Request(HttpMethod.Get, "/docs/")),
        ["GET /docs/scalar.js"] = new(Anonymous, 200, _ => Request(HttpMethod.Get, "/docs/scalar.js")),
        ["GET /docs/scalar.aspnetcore.js"] = new(Anonymous, 200, _ => Request(HttpMethod.Get, "/docs/scalar.aspnetcore.js")),
        ["GET /docs/favicon.svg"] = new(Anonymous, 200, _ => Request(HttpMethod.Get, "/docs/favicon.svg")),
        // A viewer's by default (JobLog:Auth:AnonymousMetrics): its series name job ids. Mapped for every method.
        ["* /metrics"] = new(Roles.Viewer, 200, _ => Request(HttpMethod.Get, "/metrics")),
    };

    /// <summary>A fresh job made by the admin, then taken through <paramref name="then"/> (pause or delete) when given.</summary>
    private static async Task<string> JobAsync(HttpClient admin, string? then = null)
    {
        var id = Http.NewId();
        await admin.CreateJob(id);
        if (then is "pause")
            await Http.Expect(await admin.Send(HttpMethod.Post, $"/jobs/{id}/pause", ifMatch: "\"1\""), System.Net.HttpStatusCode.OK);
        else if (then is "delete")
            await Http.Expect(await admin.Send(HttpMethod.Delete, $"/jobs/{id}", ifMatch: "\"1\""), System.Net.HttpStatusCode.OK);
        return id;
    }

    private static Task<HttpRequestMessage> Request(HttpMethod method, string path, string? body = null, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        if (ifMatch is not null)
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return Task.FromResult(request);
    }
}
