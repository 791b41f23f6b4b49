using System.Net;
using System.Text.Json.Nodes;
using JobLog.Integration.Fixtures;
using Xunit;
using static JobLog.Integration.Api.Http;

namespace JobLog.Integration.Api;

/// <summary>
/// A job's dispatch policy over HTTP: optional on create and replace (each omitted member takes its default), always
/// shown in full, kept by a PUT of the GET representation, versioned like the rest of the definition, and every bad
/// value refused naming its field with nothing stored.
/// </summary>
[Collection(PostgresFixture.Collection)]
public sealed class PolicyApiTests(PostgresFixture postgres, ApiHostFixture host) : IClassFixture<ApiHostFixture>, IAsyncLifetime
{
    private const string DefaultPolicy =
        """{"misfire":"fireOnce","catchUpWindowSeconds":3600,"concurrency":"forbid","retry":{"attempts":3,"backoffSeconds":1,"maxBackoffSeconds":60}}""";

    private const string OtherPolicy =
        """{"misfire":"fireAll","catchUpWindowSeconds":0,"concurrency":"replace","retry":{"attempts":10,"backoffSeconds":3600,"maxBackoffSeconds":86400}}""";

    private HttpClient _client = null!;

    public async Task InitializeAsync() => _client = await host.ReadyClientAsync(postgres);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_job_created_without_a_policy_shows_the_default_policy_in_full()
    {
        var id = NewId();

        var created = await _client.CreateJob(id);

        Assert.Equal(DefaultPolicy, created["policy"]?.ToJsonString());
        Assert.Equal(DefaultPolicy, (await Json(await _client.GetAsync($"/jobs/{id}")))["policy"]?.ToJsonString());
    }

    [Fact]
    public async Task A_job_created_with_a_policy_shows_it_in_the_answer_the_store_the_list_and_the_history()
    {
        var id = NewId();

        var response = await _client.Send(HttpMethod.Post, "/jobs", Body(id, OtherPolicy));

        await Expect(response, HttpStatusCode.Created);
        Assert.Equal(OtherPolicy, (await Json(response))["policy"]?.ToJsonString());
        Assert.Equal(OtherPolicy, (await Json(await _client.GetAsync($"/jobs/{id}")))["policy"]?.ToJsonString());
        var listed = (await Json(await _client.GetAsync("/jobs?status=all&limit=500")))["items"]!.AsArray()
            .Single(j => (string?)j!["id"] == id);
        Assert.Equal(OtherPolicy, listed!["policy"]?.ToJsonString());
        var history = await JsonArray(await _client.GetAsync($"/jobs/{id}/history"));
        Assert.Equal(OtherPolicy, history[0]!["data"]!["definition"]!["policy"]?.ToJsonString());
    }

    [Theory]
    [InlineData("null", DefaultPolicy)]
    [InlineData("{}", DefaultPolicy)]
    [InlineData("""{"misfire":null,"catchUpWindowSeconds":null,"concurrency":null,"retry":null}""", DefaultPolicy)]
    [InlineData("""{"misfire":"skip"}""",
        """{"misfire":"skip","catchUpWindowSeconds":3600,"concurrency":"forbid","retry":{"attempts":3,"backoffSeconds":1,"maxBackoffSeconds":60}}""")]
    [InlineData("""{"catchUpWindowSeconds":0,"concurrency":"allow","retry":{"attempts":1}}""",
        """{"misfire":"fireOnce","catchUpWindowSeconds":0,"concurrency":"allow","retry":{"attempts":1,"backoffSeconds":1,"maxBackoffSeconds":60}}""")]
    [InlineData("""{"retry":{"backoffSeconds":0,"maxBackoffSeconds":0}}""",
        """{"misfire":"fireOnce","catchUpWindowSeconds":3600,"concurrency":"forbid","retry":{"attempts":3,"backoffSeconds":0,"maxBackoffSeconds":0}}""")]
    public async Task Each_member_of_a_policy_left_out_or_null_takes_its_default(string given, string shown)
    {
        var id = NewId();

        var response = await _client.Send(HttpMethod.Post, "/jobs", Body(id, given));

        await Expect(response, HttpStatusCode.Created);
        Assert.Equal(shown, (await Json(response))["policy"]?.ToJsonString());
    }

    [Fact]
    public async Task Changing_only_the_policy_makes_a_new_version_and_the_old_one_keeps_its_policy()
    {
        var id = NewId();
        await _client.CreateJob(id);
        var read = await _client.GetAsync($"/jobs/{id}");
        var job = await Json(read);
        job["policy"]!["concurrency"] = "allow";
        job["policy"]!["retry"]!["attempts"] = 7;

        var response = await _client.Send(HttpMethod.Put, $"/jobs/{id}", job.ToJsonString(), ETag(read));

        await Expect(response, HttpStatusCode.OK);
        Assert.Equal("\"2\"", ETag(response));
        var updated = await Json(response);
        Assert.Equal("allow", (string?)updated["policy"]!["concurrency"]);
        Assert.Equal(7, (int?)updated["policy"]!["retry"]!["attempts"]);
        Assert.Equal(2, (long?)updated["version"]);
        Assert.Equal(DefaultPolicy, (await Json(await _client.GetAsync($"/jobs/{id}?version=1")))["policy"]?.ToJsonString());
        var history = await JsonArray(await _client.GetAsync($"/jobs/{id}/history"));
        Assert.Equal("JobUpdated", (string?)history[1]!["type"]);
        Assert.Equal("allow", (string?)history[1]!["data"]!["definition"]!["policy"]!["concurrency"]);
    }

    [Fact]
    public async Task A_job_read_with_get_and_put_back_with_another_name_keeps_its_policy()
    {
        var id = NewId();
        await Expect(await _client.Send(HttpMethod.Post, "/jobs", Body(id, OtherPolicy)), HttpStatusCode.Created);
        var read = await _client.GetAsync($"/jobs/{id}");
        var job = await Json(read);
        job["name"] = "renamed";

        var response = await _client.Send(HttpMethod.Put, $"/jobs/{id}", job.ToJsonString(), ETag(read));

        await Expect(response, HttpStatusCode.OK);
        Assert.Equal(OtherPolicy, (await Json(response))["policy"]?.ToJsonString());
    }

    [Fact]
    public async Task A_put_without_a_policy_sets_the_default_policy_again_as_it_does_for_other_optional_fields()
    {
        var id = NewId();
        await Expect(await _client.Send(HttpMethod.Post, "/jobs", Body(id, OtherPolicy)), HttpStatusCode.Created);
        var replacement = NewJob(id);
        replacement.Remove("id");

        var response = await _client.Send(HttpMethod.Put, $"/jobs/{id}", replacement.ToJsonString(), "\"1\"");

        await Expect(response, HttpStatusCode.OK);
        Assert.Equal(DefaultPolicy, (await Json(response))["policy"]?.ToJsonString());
    }

    [Theory]
    [InlineData("""{"misfire":"FireOnce"}""", "policy.misfire")]
    [InlineData("""{"misfire":"fire_once"}""", "policy.misfire")]
    [InlineData("""{"misfire":""}""", "policy.misfire")]
    [InlineData("""{"misfire":1}""", "policy.misfire")]
    [InlineData("""{"misfire":["skip"]}""", "policy.misfire")]
    [InlineData("""{"catchUpWindowSeconds":-1}""", "policy.catchUpWindowSeconds")]
    [InlineData("""{"catchUpWindowSeconds":604801}""", "policy.catchUpWindowSeconds")]
    [InlineData("""{"catchUpWindowSeconds":"3600"}""", "policy.catchUpWindowSeconds")]
    [InlineData("""{"catchUpWindowSeconds":1.5}""", "policy.catchUpWindowSeconds")]
    [InlineData("""{"catchUpWindowSeconds":2147483648}""", "policy.catchUpWindowSeconds")]
    [InlineData("""{"concurrency":"Forbid"}""", "policy.concurrency")]
    [InlineData("""{"concurrency":"never"}""", "policy.concurrency")]
    [InlineData("""{"concurrency":true}""", "policy.concurrency")]
    [InlineData("""{"retry":{"attempts":0}}""", "policy.retry.attempts")]
    [InlineData("""{"retry":{"attempts":11}}""", "policy.retry.attempts")]
    [InlineData("""{"retry":{"attempts":-2147483648}}""", "policy.retry.attempts")]
    [InlineData("""{"retry":{"attempts":"3"}}""", "policy.retry.attempts")]
    [InlineData("""{"retry":{"backoffSeconds":-1}}""", "policy.retry.backoffSeconds")]
    [InlineData("""{"retry":{"backoffSeconds":3601}}""", "policy.retry.backoffSeconds")]
    [InlineData("""{"retry":{"backoffSeconds":120}}""", "policy.retry.maxBackoffSeconds")]
    [InlineData("""{"retry":{"backoffSeconds":10,"maxBackoffSeconds":9}}""", "policy.retry.maxBackoffSeconds")]
    [InlineData("""{"retry":{"maxBackoffSeconds":86401}}""", "policy.retry.maxBackoffSeconds")]
    [InlineData("""{"retry":{"maxBackoffSeconds":-1}}""", "policy.retry.maxBackoffSeconds")]
    [InlineData("""{"retry":[]}""", "policy.retry")]
    [InlineData("""{"retry":3}""", "policy.retry")]
    [InlineData("""{"retry":{"jitter":true}}""", "policy.retry.jitter")]
    [InlineData("""{"later":1}""", "policy.later")]
    [InlineData("""{"misfire":"skip","misfire":"skip"}""", "policy.misfire")]
    [InlineData("\"fireOnce\"", "policy")]
    [InlineData("[]", "policy")]
    public async Task A_bad_policy_value_is_refused_naming_only_its_field_and_nothing_is_stored(string policy, string field)
    {
        var id = NewId();
        var before = await _client.LastSequence();

        var created = await _client.Send(HttpMethod.Post, "/jobs", Body(id, policy));

        AssertOnlyField(await ExpectProblem(created, HttpStatusCode.BadRequest), field);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/jobs/{id}")).StatusCode);

        await _client.CreateJob(id);
        var replacement = Body(id, policy).Replace($"\"id\":\"{id}\",", "", StringComparison.Ordinal);
        var replaced = await _client.Send(HttpMethod.Put, $"/jobs/{id}", replacement, "\"1\"");

        AssertOnlyField(await ExpectProblem(replaced, HttpStatusCode.BadRequest), field);
        var job = await _client.GetAsync($"/jobs/{id}");
        Assert.Equal("\"1\"", ETag(job));
        Assert.Equal(DefaultPolicy, (await Json(job))["policy"]?.ToJsonString());
        Assert.Equal(before + 1, await _client.LastSequence());
    }

    [Fact]
    public async Task Every_fault_of_a_policy_is_reported_together_with_the_other_fields_at_fault()
    {
        var body = """
                   {"name":" ","cron":"0 3 * * *","target":{"url":"https://example.test/hook"},
                    "policy":{"misfire":"always","catchUpWindowSeconds":-5,"concurrency":"Allow",
                              "retry":{"attempts":0,"backoffSeconds":4000,"maxBackoffSeconds":90000}}}
                   """;

        var problem = await ExpectProblem(await _client.Send(HttpMethod.Post, "/jobs", body), HttpStatusCode.BadRequest);

        Assert.Equal(
            ["name", "policy.catchUpWindowSeconds", "policy.concurrency", "policy.misfire", "policy.retry.attempts",
             "policy.retry.backoffSeconds", "policy.retry.maxBackoffSeconds"],
            problem["errors"]!.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Contains("fireOnce, skip, fireAll", (string?)problem["errors"]!["policy.misfire"]![0], StringComparison.Ordinal);
        Assert.Contains("forbid, allow, replace", (string?)problem["errors"]!["policy.concurrency"]![0], StringComparison.Ordinal);
    }

    private static string Body(string id, string policy) =>
        $$"""{"id":"{{id}}","name":"n","cron":"0 3 * * *","target":{"url":"https://example.test/hook"},"policy":{{policy}}}""";

    private static void AssertOnlyField(JsonObject problem, string field)
    {
        Assert.Equal("https://joblog.dev/problems/validation", (string?)problem["type"]);
        Assert.Equal([field], problem["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal(field, (string?)problem["field"]);
    }
}
