using System.Collections.Immutable;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using JobLog.Commands;
using JobLog.Integration.Fixtures;
using JobLog.Model;
using JobLog.Store;
using JobLog.Testing;
using Npgsql;
using Xunit;
using static JobLog.Integration.Api.Http;

namespace JobLog.Integration.Api;

/// <summary>
/// Secret target headers through the API on one node: stored encrypted, shown as <c>"***"</c> with a fingerprint, kept by
/// <c>"***"</c>, sent in clear to the target only. "Never shown" is searched for: in every answer, every stored row and
/// every log line.
/// </summary>
[Collection(PostgresFixture.Collection)]
public sealed class SecretHeaderTests(PostgresFixture postgres, SecretHostFixture node) : IClassFixture<SecretHostFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    private HttpClient _client = null!;

    public async Task InitializeAsync() => _client = await node.ReadyClientAsync(postgres);

    public Task DisposeAsync() => Task.CompletedTask;

    private JsonObject Job(string id, IReadOnlyDictionary<string, string> headers, params string[] secretHeaders) =>
        Job(id, node.Receiver.Url($"/secret/{id}"), headers, secretHeaders);

    private static JsonObject Job(string id, string url, IReadOnlyDictionary<string, string> headers, params string[] secretHeaders)
    {
        var target = new JsonObject
        {
            ["url"] = url,
            ["headers"] = new JsonObject(headers.Select(h => KeyValuePair.Create(h.Key, (JsonNode?)JsonValue.Create(h.Value)))),
        };
        if (secretHeaders.Length > 0)
            target["secretHeaders"] = new JsonArray([.. secretHeaders.Select(n => (JsonNode?)JsonValue.Create(n))]);
        return new JsonObject { ["id"] = id, ["name"] = id, ["cron"] = "0 0 1 1 *", ["target"] = target };
    }

    private async Task<JsonObject> CreateAsync(JsonObject job)
    {
        var response = await _client.PostAsJsonAsync("/jobs", job);
        await Expect(response, HttpStatusCode.Created);
        return await Json(response);
    }

    private async Task<JsonObject> PutAsync(string id, JsonObject body, long version)
    {
        var response = await _client.Send(HttpMethod.Put, $"/jobs/{id}", Serialize(body), $"\"{version}\"");
        await Expect(response, HttpStatusCode.OK);
        return await Json(response);
    }

    private async Task<JsonObject> GetAsync(string id) => await Json(await _client.GetAsync($"/jobs/{id}"));

    /// <summary>Triggers the job and waits for its run to succeed; returns the request the target received.</summary>
    private async Task<ReceivedRequest> TriggerAsync(string id)
    {
        var before = node.Receiver.RequestsTo($"/secret/{id}").Count;
        var response = await _client.PostAsync($"/jobs/{id}/trigger", null);
        await Expect(response, HttpStatusCode.Accepted);
        var run = response.Headers.Location!.OriginalString;
        JsonObject? last = null;
        await Wait.Eventually(async () => (string?)(last = await Json(await _client.GetAsync(run)))["outcome"] == "succeeded",
            Within, () => $"the triggered run of {id} succeeds; last: {last}");
        return node.Receiver.RequestsTo($"/secret/{id}")[before];
    }

    private static string Fingerprint(JsonObject job, string header) => (string)job["target"]!["secretFingerprints"]![header]!;

    private async Task<string> StoredHeaderAsync(string id, long version, string header)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select data -> 'definition' -> 'target' -> 'headers' ->> @header from {node.Host.Schema}.mt_events where stream_id = @id and version = @version",
            connection);
        command.Parameters.AddWithValue("header", header);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("version", version);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Every row of every table in the node's schema (events, streams, runs, the key ring...) as text.</summary>
    private async Task<IReadOnlyList<string>> StoredRowsAsync()
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
                         "select table_name from information_schema.tables where table_schema = @schema and table_type = 'BASE TABLE'", connection))
        {
            list.Parameters.AddWithValue("schema", node.Host.Schema);
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                tables.Add(reader.GetString(0));
        }
        Assert.Contains("mt_events", tables);
        var rows = new List<string>();
        foreach (var table in tables)
        {
            await using var select = new NpgsqlCommand($"select t::text from {node.Host.Schema}.\"{table}\" t", connection);
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                rows.Add($"{table}: {reader.GetString(0)}");
        }
        return rows;
    }

    /// <summary>The answer of every GET endpoint that shows jobs, events, the schedule, runs or the cluster.</summary>
    private async Task<IReadOnlyList<string>> EveryAnswerAsync(IReadOnlyList<string> ids)
    {
        var paths = new List<string> { "/jobs?status=all&limit=500", "/schedule?count=100", "/runs?limit=1000", "/cluster" };
        var asOf = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddSeconds(1).ToString("O"));
        foreach (var id in ids)
        {
            var version = (long)(await GetAsync(id))["version"]!;
            paths.AddRange([$"/jobs/{id}", $"/jobs/{id}?asOf={asOf}", $"/jobs/{id}/history", $"/jobs/{id}/runs?limit=1000"]);
            paths.AddRange(Enumerable.Range(1, (int)version).Select(v => $"/jobs/{id}?version={v}"));
        }
        var answers = new List<string>();
        foreach (var path in paths)
        {
            var response = await _client.GetAsync(path);
            await Expect(response, HttpStatusCode.OK);
            answers.Add($"GET {path}: {await response.Content.ReadAsStringAsync()}");
        }
        for (var after = 0L; ;)
        {
            var page = await Json(await _client.GetAsync($"/events?after={after}&limit=1000"));
            answers.Add($"GET /events?after={after}: {page}");
            if (page["items"]!.AsArray().Count == 0)
                break;
            after = (long)page["next"]!;
        }
        var runs = await Json(await _client.GetAsync("/runs?limit=1000"));
        foreach (var run in runs["items"]!.AsArray())
            answers.Add($"GET /runs/{run!["id"]}: {await _client.GetStringAsync($"/runs/{run["id"]}")}");
        return answers;
    }

    private static void AssertNowhere(IEnumerable<string> secrets, IEnumerable<string> texts, string where)
    {
        var all = texts.ToList();
        Assert.NotEmpty(all);
        foreach (var secret in secrets)
        {
            var found = all.FirstOrDefault(t => t.Contains(secret, StringComparison.OrdinalIgnoreCase));
            Assert.True(found is null, $"'{secret}' is shown in {where}: {found}");
        }
    }

    [Fact]
    public async Task Clear_secret_values_appear_in_no_answer_no_stored_row_and_no_log_line_and_the_target_receives_them()
    {
        var (byName, listed) = (NewId(), NewId());
        string[] secrets = ["Bearer first-1c0ffee", "Bearer second-2beef", "apikey-3dead", "sig-4cafe", "sig-5face", "cookie-6babe"];
        await CreateAsync(Job(byName, new Dictionary<string, string>
        {
            ["Authorization"] = secrets[0], ["X-Api-Key"] = secrets[2], ["Cookie"] = secrets[5], ["X-Trace"] = "plain-trace",
        }));
        await CreateAsync(Job(listed, new Dictionary<string, string> { ["X-Signature"] = secrets[3], ["X-Trace"] = "plain-trace" }, "x-signature"));
        var changed = await PutAsync(byName, Job(byName, new Dictionary<string, string>
        {
            ["Authorization"] = secrets[1], ["X-Api-Key"] = "***", ["Cookie"] = "***", ["X-Trace"] = "plain-trace",
        }), version: 1);
        var changedListed = await PutAsync(listed, Job(listed, new Dictionary<string, string> { ["X-Signature"] = secrets[4], ["X-Trace"] = "plain-trace" }, "X-Signature"), version: 1);
        await Expect(await _client.Send(HttpMethod.Post, $"/jobs/{listed}/pause", ifMatch: "\"2\""), HttpStatusCode.OK);

        var received = await TriggerAsync(byName);
        var receivedListed = await TriggerAsync(listed);

        AssertNowhere(secrets, await EveryAnswerAsync([byName, listed]), "an answer");
        AssertNowhere(secrets, await StoredRowsAsync(), "the store");
        AssertNowhere(secrets, node.Logs.Entries.Select(e => $"{e.Category}: {e.Message} {e.Exception}"), "the log");
        // The search covers Debug: every committed change is logged there.
        Assert.Contains(node.Logs.Entries, e => e.Message.Contains($"Job {byName}: JobUpdated committed", StringComparison.Ordinal));
        Assert.Equal((secrets[1], secrets[2], secrets[5]), (received.Header("Authorization"), received.Header("X-Api-Key"), received.Header("Cookie")));
        Assert.Equal(secrets[4], receivedListed.Header("X-Signature"));
        Assert.Equal("***", (string?)changed["target"]!["headers"]!["Authorization"]);
        Assert.Equal("plain-trace", (string?)changed["target"]!["headers"]!["X-Trace"]);
        Assert.Equal(["Authorization", "Cookie", "X-Api-Key"], changed["target"]!["secretFingerprints"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["X-Signature"], changedListed["target"]!["secretFingerprints"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task A_job_put_back_as_get_shows_it_keeps_every_secret_value_and_a_new_value_replaces_one_and_its_fingerprint()
    {
        var id = NewId();
        await CreateAsync(Job(id, new Dictionary<string, string> { ["Authorization"] = "Bearer keep-me-1", ["X-Signature"] = "sig-keep-2" }, "X-Signature"));
        var shown = await GetAsync(id);

        var putBack = await PutAsync(id, shown, version: 1);

        Assert.Equal(2L, (long)putBack["version"]!);
        Assert.Equal(shown["target"]!.ToJsonString(), putBack["target"]!.ToJsonString());
        Assert.Equal(await StoredHeaderAsync(id, 1, "Authorization"), await StoredHeaderAsync(id, 2, "Authorization"));
        Assert.Equal(await StoredHeaderAsync(id, 1, "X-Signature"), await StoredHeaderAsync(id, 2, "X-Signature"));
        var received = await TriggerAsync(id);
        Assert.Equal(("Bearer keep-me-1", "sig-keep-2"), (received.Header("Authorization"), received.Header("X-Signature")));

        var changing = (JsonObject)putBack.DeepClone();
        changing["target"]!["headers"]!["Authorization"] = "Bearer replaced-3";
        var replaced = await PutAsync(id, changing, version: 2);

        Assert.NotEqual(Fingerprint(putBack, "Authorization"), Fingerprint(replaced, "Authorization"));
        Assert.Equal(Fingerprint(putBack, "X-Signature"), Fingerprint(replaced, "X-Signature"));
        Assert.Equal("Bearer replaced-3", (await TriggerAsync(id)).Header("Authorization"));
    }

    public static TheoryData<string, string> RedactedWithNothingToKeep => new()
    {
        { "Authorization", "" },
        { "X-Signature", "X-Signature" },
    };

    [Theory]
    [MemberData(nameof(RedactedWithNothingToKeep))]
    public async Task The_redacted_value_with_no_stored_value_is_refused_naming_the_header_and_appends_nothing(string header, string listed)
    {
        string[] secretHeaders = listed.Length > 0 ? [listed] : [];
        var created = NewId();
        await CreateAsync(Job(created, new Dictionary<string, string> { ["X-Trace"] = "t" }));
        var sequence = await _client.LastSequence();

        var newJob = NewId();
        var refusedCreate = await ExpectProblem(
            await _client.PostAsJsonAsync("/jobs", Job(newJob, new Dictionary<string, string> { [header] = "***" }, secretHeaders)),
            HttpStatusCode.BadRequest);
        var refusedUpdate = await ExpectProblem(
            await _client.Send(HttpMethod.Put, $"/jobs/{created}",
                Serialize(Job(created, new Dictionary<string, string> { ["X-Trace"] = "t", [header] = "***" }, secretHeaders)), "\"1\""),
            HttpStatusCode.BadRequest);

        Assert.Equal($"target.headers.{header}", (string?)refusedCreate["field"]);
        Assert.Equal($"target.headers.{header}", (string?)refusedUpdate["field"]);
        await ExpectProblem(await _client.GetAsync($"/jobs/{newJob}"), HttpStatusCode.NotFound);
        Assert.Equal(1L, (long)(await GetAsync(created))["version"]!);
        Assert.Equal(sequence, await _client.LastSequence());
    }

    [Fact]
    public async Task A_secret_header_list_naming_no_header_of_the_target_or_one_twice_is_refused_naming_each_entry()
    {
        var id = NewId();
        var job = Job(id, new Dictionary<string, string> { ["X-Signature"] = "s" }, "X-Signature", "X-Missing", "x-signature");

        var problem = await ExpectProblem(await _client.PostAsJsonAsync("/jobs", job), HttpStatusCode.BadRequest);

        var errors = problem["errors"]!.AsObject().Select(e => e.Key).ToList();
        Assert.Equal(["target.secretHeaders[1]", "target.secretHeaders[2]"], errors);
        await ExpectProblem(await _client.GetAsync($"/jobs/{id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Secret_query_values_of_the_url_appear_in_no_answer_no_stored_row_and_no_log_line_and_the_target_receives_them()
    {
        var (id, echoing) = (NewId(), NewId());
        string[] secrets = ["qt-first-4a1c", "qt-second-5b2d", "code-6c3e", "qt-echo-7d4f"];
        var url = node.Receiver.Url($"/secret/{id}");
        await CreateAsync(Job(id, $"{url}?token={secrets[0]}&x=plain-x&code={secrets[2]}", new Dictionary<string, string>()));
        var shown = await GetAsync(id);
        var kept = await PutAsync(id, shown, version: 1);
        var changed = await PutAsync(id, Job(id, $"{url}?token={secrets[1]}&x=plain-x&code=***", new Dictionary<string, string>()), version: 2);
        var echoUrl = node.Receiver.Url($"/secret/{echoing}");
        node.Receiver.Script($"/secret/{echoing}", ScriptedResponse.WithStatus(500, $"refused {echoUrl}?token={secrets[3]} (token {secrets[3]})"));
        await CreateAsync(Job(echoing, $"{echoUrl}?token={secrets[3]}", new Dictionary<string, string>()));

        var received = await TriggerAsync(id);
        var trigger = await _client.PostAsync($"/jobs/{echoing}/trigger", null);
        await Expect(trigger, HttpStatusCode.Accepted);
        JsonObject? run = null;
        await Wait.Eventually(async () => (string?)(run = await Json(await _client.GetAsync(trigger.Headers.Location!.OriginalString)))["outcome"] == "failed",
            Within, () => $"the echoing target's run fails; last: {run}");

        Assert.Equal($"{url}?token=***&x=plain-x&code=***", (string?)shown["target"]!["url"]);
        Assert.Equal(["code", "token"], shown["target"]!["urlSecretFingerprints"]!.AsObject().Select(p => p.Key));
        Assert.Equal(shown["target"]!.ToJsonString(), kept["target"]!.ToJsonString());
        Assert.NotEqual((string?)shown["target"]!["urlSecretFingerprints"]!["token"], (string?)changed["target"]!["urlSecretFingerprints"]!["token"]);
        Assert.Equal((string?)shown["target"]!["urlSecretFingerprints"]!["code"], (string?)changed["target"]!["urlSecretFingerprints"]!["code"]);
        Assert.Equal($"?token={secrets[1]}&x=plain-x&code={secrets[2]}", received.Query);
        Assert.Contains("***", (string?)run!["error"], StringComparison.Ordinal);
        AssertNowhere(secrets, await EveryAnswerAsync([id, echoing]), "an answer");
        AssertNowhere(secrets, await StoredRowsAsync(), "the store");
        AssertNowhere(secrets, node.Logs.Entries.Select(e => $"{e.Category}: {e.Message} {e.Exception}"), "the log");
    }

    [Theory]
    [InlineData("user:pa55-8e5a@")]
    [InlineData("t0ken-9f6b@")]
    public async Task A_url_with_credentials_is_refused_naming_target_url_and_appends_nothing(string userInfo)
    {
        var (created, newJob) = (NewId(), NewId());
        await CreateAsync(Job(created, new Dictionary<string, string>()));
        var sequence = await _client.LastSequence();
        var url = node.Receiver.Url($"/secret/{newJob}").Replace("://", $"://{userInfo}", StringComparison.Ordinal);

        var refusedCreate = await ExpectProblem(
            await _client.PostAsJsonAsync("/jobs", Job(newJob, url, new Dictionary<string, string>())), HttpStatusCode.BadRequest);
        var refusedUpdate = await ExpectProblem(
            await _client.Send(HttpMethod.Put, $"/jobs/{created}", Serialize(Job(created, url, new Dictionary<string, string>())), "\"1\""),
            HttpStatusCode.BadRequest);

        Assert.Equal(("target.url", "target.url"), ((string?)refusedCreate["field"], (string?)refusedUpdate["field"]));
        Assert.Contains("Authorization header", refusedCreate.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(sequence, await _client.LastSequence());
    }

    [Fact]
    public async Task Jobs_an_older_node_stored_in_clear_are_sealed_by_a_system_update_deleted_ones_stay_deleted_and_no_endpoint_shows_a_clear_value()
    {
        var (active, deleted) = (NewId(), NewId());
        string[] secrets = ["Bearer legacy-a1b2", "Bearer legacy-c3d4", "legacy-qt-e5f6", "legacy-pw-0a9b", "legacy-key-1c8d"];
        var olderNode = new Provenance("old-client", "old-node", null);
        WebhookTarget Target(string id, string authorization) => new(
            node.Receiver.Url($"/secret/{id}").Replace("://", $"://olduser:{secrets[3]}@", StringComparison.Ordinal) + $"?token={secrets[2]}&x=1",
            "POST",
            new Dictionary<string, string> { ["Authorization"] = authorization, ["X-Api-Key"] = secrets[4], ["X-Trace"] = "plain" }
                .ToImmutableSortedDictionary(StringComparer.Ordinal),
            null,
            30);
        JobDefinition Definition(string id, string authorization) => new(id, "0 0 1 1 *", "UTC", Target(id, authorization));
        using (var documents = JobLogMarten.CreateDocumentStore(postgres.ConnectionString, node.Host.Schema))
        {
            // Written straight into the store, as a node from before encryption wrote them.
            var store = new MartenJobEventStore(documents);
            var (activeId, deletedId) = (JobId.Parse(active), JobId.Parse(deleted));
            await store.AppendAsync(activeId, 0, new JobAdded(activeId, Definition(active, secrets[0]), true, olderNode), CancellationToken.None);
            await store.AppendAsync(activeId, 1, new JobUpdated(activeId, Definition(active, secrets[1]), olderNode), CancellationToken.None);
            await store.AppendAsync(deletedId, 0, new JobAdded(deletedId, Definition(deleted, secrets[0]), true, olderNode), CancellationToken.None);
            await store.AppendAsync(deletedId, 1, new JobDeleted(deletedId, olderNode), CancellationToken.None);
        }

        JsonObject? last = null;
        await Wait.Eventually(async () => (long?)(last = await Json(await _client.GetAsync($"/jobs/{active}")))["version"] == 3
                && (long?)(last = await Json(await _client.GetAsync($"/jobs/{deleted}")))["version"] == 3,
            Within, () => $"the node seals both jobs; last: {last}");

        var history = JsonNode.Parse(await _client.GetStringAsync($"/jobs/{active}/history"))!.AsArray();
        var repair = history.Last()!;
        var gone = await GetAsync(deleted);
        var sealedJob = await GetAsync(active);
        Assert.Equal(("JobUpdated", SealSecrets.Actor, ClearSecretSealer.Reason),
            ((string?)repair["type"], (string?)repair["actor"], (string?)repair["reason"]));
        Assert.Equal("deleted", (string?)gone["status"]);
        Assert.Equal(["Authorization", "X-Api-Key"], sealedJob["target"]!["secretFingerprints"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["token"], sealedJob["target"]!["urlSecretFingerprints"]!.AsObject().Select(p => p.Key));
        Assert.Equal(node.Receiver.Url($"/secret/{active}") + "?token=***&x=1", (string?)sealedJob["target"]!["url"]);
        var received = await TriggerAsync(active);
        Assert.Equal((secrets[1], secrets[4], "?token=" + secrets[2] + "&x=1"), (received.Header("Authorization"), received.Header("X-Api-Key"), received.Query));
        AssertNowhere(secrets, await EveryAnswerAsync([active, deleted]), "an answer");
        AssertNowhere(secrets, node.Logs.Entries.Select(e => $"{e.Category}: {e.Message} {e.Exception}"), "the log");
        // History is not rewritten: the old events keep what they held, and only they do.
        var rows = await StoredRowsAsync();
        Assert.All(secrets, secret => Assert.Contains(rows, r => r.Contains(secret, StringComparison.Ordinal)));
        Assert.Empty(await StoredEventsHoldingAsync(secrets, minimumVersion: 3));
    }

    /// <summary>The stored events at or above <paramref name="minimumVersion"/> whose data holds one of <paramref name="secrets"/>.</summary>
    private async Task<IReadOnlyList<string>> StoredEventsHoldingAsync(IEnumerable<string> secrets, long minimumVersion)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select stream_id || ' ' || version || ': ' || data::text from {node.Host.Schema}.mt_events where version >= @version", connection);
        command.Parameters.AddWithValue("version", minimumVersion);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add(reader.GetString(0));
        return [.. rows.Where(r => secrets.Any(secret => r.Contains(secret, StringComparison.Ordinal)))];
    }
}
