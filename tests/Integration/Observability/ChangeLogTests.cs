using System.Net;
using System.Text.Json.Nodes;
using JobLog.Integration.Api;
using JobLog.Integration.Fixtures;
using JobLog.Testing;
using Xunit;
using static JobLog.Integration.Api.Http;

namespace JobLog.Integration.Observability;

/// <summary>What a node process writes to its console log about a change, read as an operator's log shipper would.</summary>
[Collection(PostgresFixture.Collection)]
public sealed class ChangeLogTests(PostgresFixture postgres)
{
    private const string Node = "log-node";
    private const string CommandCategory = "JobLog.Commands.JobCommandService";

    [Fact]
    public async Task Every_log_line_about_a_change_names_the_job_a_version_the_node_and_the_callers_trace_id()
    {
        var environment = new Dictionary<string, string>
        {
            ["JOBLOG_POSTGRES"] = postgres.ConnectionString,
            ["JOBLOG_NODE_ID"] = Node,
            ["JobLog__Schema"] = PostgresFixture.NewSchemaName(),
            ["Logging__LogLevel__Default"] = "Warning",
            [$"Logging__LogLevel__{CommandCategory}"] = "Debug",
            ["Logging__Console__FormatterName"] = "json",
            ["Logging__Console__FormatterOptions__IncludeScopes"] = "true",
            ["Logging__Console__FormatterOptions__JsonWriterOptions__Indented"] = "false",
        };
        await using var node = await ApiProcess.StartAsync(environment, ApiProcess.FreePort(), TimeSpan.FromSeconds(90));
        using var client = TestKeys.Client(node.BaseAddress);
        var id = NewId();
        var traces = new[] { NewTraceId(), NewTraceId(), NewTraceId() };

        await Expect(await Traced(client, traces[0], HttpMethod.Post, "/jobs", Serialize(NewJob(id)), null), HttpStatusCode.Created);
        await ExpectProblem(await Traced(client, traces[1], HttpMethod.Post, $"/jobs/{id}/pause", null, "\"7\""), HttpStatusCode.PreconditionFailed);
        await Expect(await Traced(client, traces[2], HttpMethod.Post, $"/jobs/{id}/pause", null, "\"1\""), HttpStatusCode.OK);

        // The added job and the pause are logged as committed; the stale pause is decided on a store read and logged by nobody
        // but the conflict counter, so two lines at least, one per successful change.
        List<JsonObject> lines = [];
        await Wait.Eventually(() =>
        {
            lines = ChangeLines(node.FullOutput, id);
            return lines.Count(l => ((string?)l["Message"])!.Contains("committed", StringComparison.Ordinal)) >= 2;
        }, TimeSpan.FromSeconds(30), () => $"two 'committed' lines about {id} in the log: {node.FullOutput}");

        foreach (var line in lines)
        {
            var fields = Fields(line);
            Assert.True(fields.TryGetValue("JobId", out var job) && job == id, $"No JobId {id}: {line.ToJsonString()}");
            Assert.True(fields.ContainsKey("Version") || fields.ContainsKey("ExpectedVersion"), $"No version: {line.ToJsonString()}");
            Assert.True(fields.TryGetValue("Node", out var node1) && node1 == Node, $"No node {Node}: {line.ToJsonString()}");
            Assert.True(fields.TryGetValue("TraceId", out var trace) && traces.Contains(trace), $"No trace id of a request: {line.ToJsonString()}");
        }
        var committed = lines.Where(l => ((string?)l["Message"])!.Contains("committed", StringComparison.Ordinal)).ToList();
        Assert.Equal([traces[0], traces[2]], committed.Select(l => Fields(l)["TraceId"]));
        Assert.Equal(["1", "2"], committed.Select(l => Fields(l)["Version"]));
    }

    private static Task<HttpResponseMessage> Traced(HttpClient client, string traceId, HttpMethod method, string path, string? body, string? ifMatch)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        if (ifMatch is not null)
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{traceId}-{NewTraceId()[..16]}-01");
        return client.SendAsync(request);
    }

    private static string NewTraceId() => Guid.NewGuid().ToString("N");

    /// <summary>The JSON log lines of the command service that are about <paramref name="job"/>.</summary>
    private static List<JsonObject> ChangeLines(string output, string job) => output
        .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Where(line => line.StartsWith('{') && line.Contains(CommandCategory, StringComparison.Ordinal) && line.Contains(job, StringComparison.Ordinal))
        .Select(line => JsonNode.Parse(line)!.AsObject())
        .ToList();

    /// <summary>The line's own fields and those of every scope it was written in (the innermost wins).</summary>
    private static Dictionary<string, string> Fields(JsonObject line)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var scope in line["Scopes"]?.AsArray() ?? [])
        {
            if (scope is JsonObject values)
                Add(fields, values);
        }
        if (line["State"] is JsonObject state)
            Add(fields, state);
        return fields;
    }

    private static void Add(Dictionary<string, string> fields, JsonObject values)
    {
        foreach (var (name, value) in values)
        {
            if (name != "Message" && value is not null)
                fields[name] = value.ToString();
        }
    }
}
