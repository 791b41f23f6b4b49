using System.Net;
using JobLog.Integration.Auth;
using JobLog.Integration.Fixtures;
using Xunit;

namespace JobLog.Integration.Api;

/// <summary>What the web console asks the API for beyond the jobs themselves: search, a cron's fire times, and who is signed in.</summary>
public sealed class ConsoleApiTests(AuthApiFixture node) : IClassFixture<AuthApiFixture>
{
    [Fact]
    public async Task Searching_jobs_matches_the_id_or_the_name_in_any_case_within_the_status_asked()
    {
        var marker = Guid.NewGuid().ToString("N")[..10];
        var byName = Http.NewId();
        var byId = $"job-{marker}-x";
        var deleted = Http.NewId();
        await Http.Expect(await node.Admin.Send(HttpMethod.Post, "/jobs", Http.NewJob(byName, name: $"Report {marker.ToUpperInvariant()}").ToJsonString()), HttpStatusCode.Created);
        await node.Admin.CreateJob(byId);
        await Http.Expect(await node.Admin.Send(HttpMethod.Post, "/jobs", Http.NewJob(deleted, name: $"old {marker}").ToJsonString()), HttpStatusCode.Created);
        await Http.Expect(await node.Admin.Send(HttpMethod.Delete, $"/jobs/{deleted}", ifMatch: "\"1\""), HttpStatusCode.OK);
        await node.Admin.CreateJob(Http.NewId());

        Assert.Equal(new[] { byId, byName }.Order(), (await IdsAsync($"/jobs?search={marker}")).Order());
        Assert.Equal([deleted], await IdsAsync($"/jobs?search={marker.ToUpperInvariant()}&status=deleted"));
        Assert.Equal(3, (await IdsAsync($"/jobs?search=%20{marker}%20&status=all")).Count);
        Assert.Single(await IdsAsync($"/jobs?search={marker}&limit=1"));
    }

    [Fact]
    public async Task A_search_longer_than_200_characters_is_refused_naming_the_field()
    {
        var problem = await Http.ExpectProblem(await node.Admin.GetAsync($"/jobs?search={new string('a', 201)}"), HttpStatusCode.BadRequest);

        Assert.Equal("search", (string?)problem["field"]);
    }

    [Fact]
    public async Task The_next_fire_times_of_a_cron_are_given_in_its_time_zone_strictly_after_from()
    {
        var preview = await Http.Json(await node.Admin.GetAsync(
            "/cron/next?cron=30%209%20*%20*%201-5&timeZone=europe/berlin&count=3&from=2026-03-27T07:00:00Z"));

        Assert.Equal("Europe/Berlin", (string?)preview["timeZone"]);
        // Friday 27 March 09:30 CET, then Monday 30 March 09:30 CEST (daylight saving began on the 29th).
        Assert.Equal(
            ["2026-03-27T09:30:00+01:00", "2026-03-30T09:30:00+02:00", "2026-03-31T09:30:00+02:00"],
            preview["next"]!.AsArray().Select(t => (string?)t));
    }

    [Theory]
    [InlineData("cron=61%20*%20*%20*%20*", "cron")]
    [InlineData("cron=*%20*%20*", "cron")]
    [InlineData("timeZone=UTC", "cron")]
    [InlineData("cron=0%203%20*%20*%20*&timeZone=Mars/Olympus", "timeZone")]
    [InlineData("cron=0%203%20*%20*%20*&count=0", "count")]
    [InlineData("cron=0%203%20*%20*%20*&count=101", "count")]
    [InlineData("cron=0%203%20*%20*%20*&from=yesterday", "from")]
    public async Task A_cron_preview_with_a_bad_input_is_refused_naming_the_field(string query, string field)
    {
        var problem = await Http.ExpectProblem(await node.Admin.GetAsync($"/cron/next?{query}"), HttpStatusCode.BadRequest);

        Assert.Equal(field, (string?)problem["field"]);
    }

    [Theory]
    [InlineData("test-viewer", "viewer")]
    [InlineData("test-editor", "editor")]
    [InlineData("test-admin", "admin")]
    public async Task Me_names_the_caller_and_their_role(string name, string role)
    {
        var key = TestKeys.All.Single(k => k.Name == name);
        var me = await Http.Json(await node.Anonymous.Send(HttpMethod.Get, "/me", key: key));

        Assert.Equal((name, role), ((string?)me["name"], (string?)me["role"]));
    }

    private async Task<List<string>> IdsAsync(string path) =>
        [.. (await Http.Json(await node.Admin.GetAsync(path)))["items"]!.AsArray().Select(j => (string)j!["id"]!)];
}
