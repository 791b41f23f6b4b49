using System.Net;
using System.Text.Json.Nodes;
using JobLog.Integration.Fixtures;
using Xunit;
using static JobLog.Integration.Api.Http;

namespace JobLog.Integration.Api;

/// <summary>
/// PUT takes back what GET gave: the id must be the path's, and the read-only fields are accepted when they equal the
/// job's at the If-Match version, refused naming themselves (and saying how they change) when they do not.
/// </summary>
[Collection(PostgresFixture.Collection)]
public sealed class PutRepresentationTests(PostgresFixture postgres, ApiHostFixture host) : IClassFixture<ApiHostFixture>, IAsyncLifetime
{
    private HttpClient _client = null!;

    public async Task InitializeAsync() => _client = await host.ReadyClientAsync(postgres);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_job_read_with_get_changed_in_one_field_and_put_back_whole_is_updated()
    {
        var id = NewId();
        await _client.CreateJob(id);
        var read = await _client.GetAsync($"/jobs/{id}");
        var job = await Json(read);
        job["name"] = "renamed by a round trip";

        var response = await _client.Send(HttpMethod.Put, $"/jobs/{id}", job.ToJsonString(), ETag(read));

        await Expect(response, HttpStatusCode.OK);
        var updated = await Json(response);
        Assert.Equal("renamed by a round trip", (string?)updated["name"]);
        Assert.Equal(2, (long?)updated["version"]);
        Assert.Equal((string?)job["createdAt"], (string?)updated["createdAt"]);
    }

    [Fact]
    public async Task A_paused_job_put_back_whole_stays_paused()
    {
        var id = NewId();
        await _client.CreateJob(id);
        await Expect(await _client.Send(HttpMethod.Post, $"/jobs/{id}/pause", null, "\"1\""), HttpStatusCode.OK);
        var read = await _client.GetAsync($"/jobs/{id}");
        var job = await Json(read);
        job["cron"] = "15 4 * * *";

        var response = await _client.Send(HttpMethod.Put, $"/jobs/{id}", job.ToJsonString(), ETag(read));

        await Expect(response, HttpStatusCode.OK);
        Assert.False((bool?)(await Json(response))["enabled"]);
        Assert.Equal("\"3\"", ETag(response));
    }

    [Fact]
    public async Task Read_only_fields_given_with_the_same_instant_in_another_offset_are_the_same_value()
    {
        var id = NewId();
        await _client.CreateJob(id);
        var job = await Json(await _client.GetAsync($"/jobs/{id}"));
        job["createdAt"] = DateTimeOffset.Parse((string)job["createdAt"]!).ToOffset(TimeSpan.FromHours(5.5)).ToString("O");

        await Expect(await _client.Send(HttpMethod.Put, $"/jobs/{id}", job.ToJsonString(), "\"1\""), HttpStatusCode.OK);
    }

    public static TheoryData<string, string, string> ChangedReadOnlyFields => new()
    {
        // field, new value (JSON), words the message must contain
        { "enabled", "false", "pause or resume" },
        { "status", "\"deleted\"", "delete or restore" },
        { "version", "2", "If-Match" },
        { "version", "0", "If-Match" },
        { "createdAt", "\"2020-01-01T00:00:00Z\"", "set by the server" },
        { "updatedAt", "\"2020-01-01T00:00:00+00:00\"", "set by the server" },
    };

    [Theory]
    [MemberData(nameof(ChangedReadOnlyFields))]
    public async Task A_read_only_field_put_back_with_another_value_is_400_naming_it_and_how_it_changes(
        string field, string value, string how)
    {
        var id = NewId();
        await _client.CreateJob(id);
        var before = await _client.LastSequence();
        var job = await Json(await _client.GetAsync($"/jobs/{id}"));
        job[field] = JsonNode.Parse(value);

        var response = await _client.Send(HttpMethod.Put, $"/jobs/{id}", job.ToJsonString(), "\"1\"");

        var problem = await ExpectProblem(response, HttpStatusCode.BadRequest);
        Assert.Equal("https://joblog.dev/problems/validation", (string?)problem["type"]);
        Assert.Equal(field, (string?)problem["field"]);
        Assert.Contains(how, (string?)problem["errors"]![field]![0], StringComparison.Ordinal);
        Assert.Equal(before, await _client.LastSequence());
        Assert.Equal("\"1\"", ETag(await _client.GetAsync($"/jobs/{id}")));
    }

    [Fact]
    public async Task Every_changed_read_only_field_is_named_at_once()
    {
        var id = NewId();
        await _client.CreateJob(id);
        var job = await Json(await _client.GetAsync($"/jobs/{id}"));
        job["enabled"] = false;
        job["status"] = "deleted";
        job["updatedAt"] = "2020-01-01T00:00:00Z";

        var problem = await ExpectProblem(await _client.Send(HttpMethod.Put, $"/jobs/{id}", job.ToJsonString(), "\"1\""), HttpStatusCode.BadRequest);

        Assert.Equal(["enabled", "status", "updatedAt"], problem["errors"]!.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("another-job")]
    [InlineData("")]
    public async Task An_id_other_than_the_paths_is_400_naming_id(string otherId)
    {
        var id = NewId();
        await _client.CreateJob(id);
        var before = await _client.LastSequence();
        var job = await Json(await _client.GetAsync($"/jobs/{id}"));
        job["id"] = otherId;

        var problem = await ExpectProblem(await _client.Send(HttpMethod.Put, $"/jobs/{id}", job.ToJsonString(), "\"1\""), HttpStatusCode.BadRequest);

        Assert.Equal("id", (string?)problem["field"]);
        Assert.Equal(before, await _client.LastSequence());
    }

    [Fact]
    public async Task A_status_that_is_not_a_status_is_400_naming_status()
    {
        var id = NewId();
        await _client.CreateJob(id);
        var job = await Json(await _client.GetAsync($"/jobs/{id}"));
        job["status"] = "paused";

        var problem = await ExpectProblem(await _client.Send(HttpMethod.Put, $"/jobs/{id}", job.ToJsonString(), "\"1\""), HttpStatusCode.BadRequest);

        Assert.Equal("status", (string?)problem["field"]);
    }

    [Fact]
    public async Task A_representation_read_before_a_later_change_is_412_not_a_read_only_field_error()
    {
        var id = NewId();
        await _client.CreateJob(id);
        var stale = await Json(await _client.GetAsync($"/jobs/{id}"));
        await Expect(await _client.Send(HttpMethod.Post, $"/jobs/{id}/pause", null, "\"1\""), HttpStatusCode.OK);
        stale["name"] = "late edit";

        var response = await _client.Send(HttpMethod.Put, $"/jobs/{id}", stale.ToJsonString(), "\"1\"");

        var problem = await ExpectProblem(response, HttpStatusCode.PreconditionFailed);
        Assert.Equal(2, (long?)problem["currentVersion"]);
    }

    [Fact]
    public async Task The_read_only_fields_are_checked_against_the_job_at_the_if_match_version()
    {
        var id = NewId();
        await _client.CreateJob(id);
        await Expect(await _client.Send(HttpMethod.Post, $"/jobs/{id}/pause", null, "\"1\""), HttpStatusCode.OK);
        var current = await _client.GetAsync($"/jobs/{id}");
        var job = await Json(current);
        job["name"] = "edited while paused";

        var response = await _client.Send(HttpMethod.Put, $"/jobs/{id}", job.ToJsonString(), ETag(current));

        await Expect(response, HttpStatusCode.OK);
        Assert.False((bool?)(await Json(response))["enabled"]);
    }

    [Fact]
    public async Task A_deleted_job_put_back_whole_is_still_a_409_invalid_transition()
    {
        var id = NewId();
        await _client.CreateJob(id);
        await Expect(await _client.Send(HttpMethod.Delete, $"/jobs/{id}", null, "\"1\""), HttpStatusCode.OK);
        var read = await _client.GetAsync($"/jobs/{id}");
        var job = await Json(read);
        job["name"] = "edited after delete";

        var problem = await ExpectProblem(await _client.Send(HttpMethod.Put, $"/jobs/{id}", job.ToJsonString(), ETag(read)), HttpStatusCode.Conflict);

        Assert.Equal("https://joblog.dev/problems/invalid-transition", (string?)problem["type"]);
    }
}
