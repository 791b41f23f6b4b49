using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using JobLog.Integration.Api;
using JobLog.Integration.Fixtures;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace JobLog.Integration.Browser;

/// <summary>
/// The web console in a real headless Chromium against two real nodes: what a user does with it reaches the API, and what
/// others do through the API shows in it. Each test uses its own jobs, its own page, and saves a screenshot.
/// </summary>
[Collection(PostgresFixture.Collection)]
public sealed class ConsoleBrowserTests(PostgresFixture postgres, ZooKeeperFixture zookeeper, ConsoleCluster cluster)
    : IClassFixture<ZooKeeperFixture>, IClassFixture<ConsoleCluster>
{
    [Fact]
    public async Task Signing_in_with_a_key_shows_who_and_which_role_and_signing_out_forgets_the_key()
    {
        await using var console = (await OpenAsync()).ExpectRefusals(401);
        await console.Field("API key or bearer token").FillAsync("jl_not-a-key");
        await console.Field("API key or bearer token").PressAsync("Enter");
        await Expect(console.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("does not accept this credential");

        // Keyboard only: the key field has the focus after a refusal, Enter submits.
        await console.Page.Keyboard.TypeAsync(TestKeys.Editor.Secret);
        await console.Page.Keyboard.PressAsync("Enter");
        await Expect(console.Page.Locator("#identity")).ToHaveTextAsync("Signed in as test-editor (editor)");
        Assert.Equal(TestKeys.Editor.Secret, await console.Page.EvaluateAsync<string>("sessionStorage.getItem('joblog.credential')"));

        await console.ClickAsync("Sign out");
        await Expect(console.Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        Assert.Null(await console.Page.EvaluateAsync<string?>("sessionStorage.getItem('joblog.credential')"));
        console.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task A_job_created_through_the_form_shows_a_rejected_cron_next_to_its_field_and_saves_once_corrected()
    {
        var id = Http.NewId();
        await using var console = (await SignedInAsync()).ExpectRefusals(400);
        await console.GoAsync("/jobs/new");
        await console.Field("Id").FillAsync(id);
        await console.Field("Name").FillAsync("Form-made report");
        await console.Field("Cron").FillAsync("61 * * * *");
        await Expect(console.Page.Locator("#f-cron-error")).Not.ToBeEmptyAsync();
        await Expect(console.Field("Cron")).ToHaveAttributeAsync("aria-invalid", "true");

        await console.Field("Cron").FillAsync("15 6 * * 1-5");
        await Expect(console.Page.Locator("#f-cron-error")).ToBeEmptyAsync();
        await Expect(console.Page.Locator("#cron-preview li")).ToHaveCountAsync(5);
        await console.Field("Time zone").FillAsync("Europe/Berlin");
        await console.Field("Target URL").FillAsync("https://example.test/report");
        await console.Field("Headers").FillAsync("X-Token: s3cret-value\nX-Plain: visible");
        await console.ClickAsync("Create job");

        await Expect(console.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Form-made report");
        var job = await Http.Json(await cluster.Admin.GetAsync($"/jobs/{id}"));
        Assert.Equal("15 6 * * 1-5", (string?)job["cron"]);
        Assert.Equal("Europe/Berlin", (string?)job["timeZone"]);
        Assert.Equal("***", (string?)job["target"]!["headers"]!["X-Token"]);
        await Expect(console.Page.Locator("#next-fire-times li")).ToHaveCountAsync(10);
        // The secret value never reaches the page.
        Assert.DoesNotContain("s3cret-value", await console.Page.ContentAsync());
        console.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Editing_a_job_in_the_form_saves_the_change_at_the_version_loaded_and_keeps_its_secret_header()
    {
        var id = await CreateJobAsync("edit me", headers: new JsonObject { ["X-Token"] = "kept-secret" });
        await using var console = await SignedInAsync();
        await console.GoAsync($"/jobs/{id}/edit");
        await Expect(console.Field("Headers")).ToHaveValueAsync("X-Token: ***");
        await console.Field("Name").FillAsync("edited in the browser");
        await console.ClickAsync("Save changes");

        await Expect(console.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("edited in the browser");
        var job = await Http.Json(await cluster.Admin.GetAsync($"/jobs/{id}"));
        Assert.Equal(2, (long)job["version"]!);
        Assert.Equal((string?)(await FirstVersionAsync(id))["target"]!["secretFingerprints"]!["X-Token"],
            (string?)job["target"]!["secretFingerprints"]!["X-Token"]);
        console.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task A_save_that_loses_to_a_concurrent_edit_shows_what_changed_and_reapplying_keeps_both_changes()
    {
        var id = await CreateJobAsync("conflicted");
        await using var console = (await SignedInAsync()).ExpectRefusals(412);
        await console.GoAsync($"/jobs/{id}/edit");
        await console.Field("Name").FillAsync("my browser edit");
        var elsewhere = Http.NewJob(id, name: "conflicted", cron: "45 4 * * *");
        await Http.Expect(await cluster.Admin.Send(HttpMethod.Put, $"/jobs/{id}", elsewhere.ToJsonString(), "\"1\""), HttpStatusCode.OK);

        await console.ClickAsync("Save changes");
        var conflict = console.Page.Locator("#conflict");
        await Expect(conflict).ToContainTextAsync("Someone changed this job since you loaded it");
        await Expect(conflict.GetByRole(AriaRole.Row).Filter(new() { HasText = "Cron" })).ToContainTextAsync("45 4 * * *");
        Assert.Equal("conflicted", (string?)(await Http.Json(await cluster.Admin.GetAsync($"/jobs/{id}")))["name"]);
        await console.SnapshotAsync("conflict");

        await console.ClickAsync("Re-apply my edits on the new version");
        await Expect(console.Field("Cron")).ToHaveValueAsync("45 4 * * *");
        await Expect(console.Field("Name")).ToHaveValueAsync("my browser edit");
        await console.ClickAsync("Save changes");
        await Expect(console.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("my browser edit");
        var job = await Http.Json(await cluster.Admin.GetAsync($"/jobs/{id}"));
        Assert.Equal(("my browser edit", "45 4 * * *", 3L), ((string?)job["name"], (string?)job["cron"], (long)job["version"]!));
        console.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Pausing_deleting_and_restoring_from_the_job_page_change_the_job_and_record_the_reason()
    {
        var id = await CreateJobAsync("lifecycle");
        await using var console = await SignedInAsync();
        await console.GoAsync($"/jobs/{id}");
        await console.Field("Reason for the change").FillAsync("maintenance window");
        await console.ClickAsync("Pause");
        await Expect(console.Page.Locator("#job-enabled")).ToHaveTextAsync("paused");
        await console.ClickAsync("Delete");
        await Expect(console.Page.Locator("#job-status")).ToHaveTextAsync("deleted");
        await console.ClickAsync("Restore");
        await Expect(console.Page.Locator("#job-status")).ToHaveTextAsync("active");

        var history = await Http.JsonArray(await cluster.Admin.GetAsync($"/jobs/{id}/history"));
        Assert.Equal(["JobAdded", "JobPaused", "JobDeleted", "JobRestored"], history.Select(e => (string?)e!["type"]));
        Assert.Equal("maintenance window", (string?)history[1]!["reason"]);
        await Expect(console.Page.Locator("#history li")).ToHaveCountAsync(4);
        console.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task The_history_shows_a_diff_between_two_versions_and_the_job_as_of_an_earlier_version()
    {
        var id = await CreateJobAsync("before the change");
        await Http.Expect(await cluster.Admin.Send(HttpMethod.Put, $"/jobs/{id}",
            Http.NewJob(id, name: "after the change", cron: "30 2 * * *").ToJsonString(), "\"1\""), HttpStatusCode.OK);
        await using var console = await SignedInAsync();
        await console.GoAsync($"/jobs/{id}");
        await console.ClickAsync("Show differences");
        var diff = console.Page.Locator("#diff-result");
        await Expect(diff.GetByRole(AriaRole.Row).Filter(new() { HasText = "name" })).ToContainTextAsync("before the change");
        await Expect(diff.GetByRole(AriaRole.Row).Filter(new() { HasText = "cron" })).ToContainTextAsync("30 2 * * *");

        await console.Page.GetByRole(AriaRole.Link, new() { Name = "Show as of version 1" }).ClickAsync();
        await Expect(console.Page.Locator("#as-of-banner")).ToContainTextAsync("Showing version 1 of 2");
        await Expect(console.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("before the change");
        await Expect(console.Page.GetByRole(AriaRole.Button, new() { Name = "Pause" })).ToHaveCountAsync(0);
        console.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task The_audit_feed_lists_changes_newest_first_and_filters_by_actor_and_type()
    {
        var id = await CreateJobAsync("audited");
        await Http.Expect(await cluster.Admin.Send(HttpMethod.Post, $"/jobs/{id}/pause", ifMatch: "\"1\"", key: TestKeys.Ops), HttpStatusCode.OK);
        await using var console = await SignedInAsync();
        await console.GoAsync("/audit");
        var firstRow = console.Page.Locator("tbody tr").First;
        await Expect(firstRow).ToContainTextAsync(id);
        await Expect(firstRow).ToContainTextAsync("JobPaused");

        await console.Field("Actor").SelectOptionAsync("ops");
        await Expect(console.Page.Locator("tbody tr").Filter(new() { HasText = "test-admin" })).ToHaveCountAsync(0);
        await Expect(console.Page.Locator("tbody tr").Filter(new() { HasText = id })).ToHaveCountAsync(1);
        await console.Field("Type").SelectOptionAsync("JobAdded");
        await Expect(console.Page.GetByText("No change matches.")).ToBeVisibleAsync();
        console.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task The_cluster_view_lists_every_node_the_leader_and_whether_their_digests_agree()
    {
        await CreateJobAsync("seen by both nodes");
        await Eventually(async () => MemberDigests(await Http.Json(await cluster.Admin.GetAsync("/cluster"))) is { Count: 2 } digests
                                     && digests.All(d => d is not null) && digests.Distinct().Count() == 1,
            TimeSpan.FromSeconds(60), "both nodes publish the same digest");
        await using var console = await SignedInAsync();
        await console.GoAsync("/cluster");
        foreach (var (nodeId, _) in cluster.Nodes)
            await Expect(console.Page.Locator("tbody")).ToContainTextAsync(nodeId);
        await Expect(console.Page.Locator("#cluster-leader")).ToHaveTextAsync(new Regex("^console-[ab]$"));
        await Expect(console.Page.Locator("#digests")).ToHaveTextAsync("All 2 digests agree.");
        console.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Each_member_publishes_the_digest_of_its_schedule_with_its_applied_sequence()
    {
        await CreateJobAsync("digested");
        foreach (var (nodeId, address) in cluster.Nodes)
        {
            using var node = TestKeys.Client(address);
            await Eventually(async () =>
            {
                var status = await Http.Json(await node.GetAsync("/cluster"));
                var own = status["members"]!.AsArray().SingleOrDefault(m => (string?)m!["nodeId"] == nodeId);
                return own is not null && (long)own["appliedSequence"]! == (long)status["appliedSequence"]!
                       && (string?)own["digest"] == (string?)status["digest"];
            }, TimeSpan.FromSeconds(60), $"{nodeId} publishes the digest of the schedule it has applied");
        }
    }

    [Fact]
    public async Task The_jobs_list_searches_by_name_filters_by_status_and_shows_the_next_fire_time_in_both_zones()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        var kept = await CreateJobAsync($"kept {marker}");
        var gone = await CreateJobAsync($"gone {marker}");
        await Http.Expect(await cluster.Admin.Send(HttpMethod.Delete, $"/jobs/{gone}", ifMatch: "\"1\""), HttpStatusCode.OK);
        await using var console = await SignedInAsync();
        await console.Field("Search").FillAsync(marker.ToUpperInvariant());
        await console.ClickAsync("Apply");
        var rows = console.Page.Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync(kept);
        // The job's zone (UTC) first, then the viewer's (New York: EST in winter, EDT in summer).
        await Expect(rows.First.Locator("td").Last).ToHaveTextAsync(new Regex(@"\d{4}-\d\d-\d\d 03:00:00 UTC.*\d\d:00:00 E[SD]T"));

        await console.Field("Status").SelectOptionAsync("deleted");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync(gone);
        console.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task A_viewer_is_offered_no_change_and_reads_the_job()
    {
        var id = await CreateJobAsync("read only here");
        await using var console = await (await OpenAsync()).SignInAsync(TestKeys.Viewer);
        await Expect(console.Page.GetByRole(AriaRole.Link, new() { Name = "New job" })).ToBeHiddenAsync();
        await console.GoAsync($"/jobs/{id}");
        await Expect(console.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("read only here");
        foreach (var button in new[] { "Pause", "Delete", "Trigger now" })
            await Expect(console.Page.GetByRole(AriaRole.Button, new() { Name = button })).ToBeHiddenAsync();
        await Expect(console.Page.GetByRole(AriaRole.Link, new() { Name = "Edit" })).ToBeHiddenAsync();
        console.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task At_phone_width_the_pages_fit_the_screen_without_sideways_scrolling()
    {
        var id = await CreateJobAsync("on a phone");
        await using var console = await OpenAsync(width: 390, height: 844);
        await console.SignInAsync();
        foreach (var hash in new[] { "/jobs", $"/jobs/{id}", $"/jobs/{id}/edit", "/audit", "/cluster" })
        {
            await console.GoAsync(hash);
            await Expect(console.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
            var overflow = await console.Page.EvaluateAsync<int>("document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 0, $"{hash} is {overflow} px wider than a 390 px screen");
        }
        console.AssertNoConsoleErrors();
    }

    private async Task<ConsolePage> OpenAsync(int width = 1280, int height = 900, [CallerMemberName] string test = "")
    {
        await cluster.StartAsync(postgres, zookeeper);
        return await ConsolePage.OpenAsync(cluster, test, width, height);
    }

    private async Task<ConsolePage> SignedInAsync([CallerMemberName] string test = "") =>
        await (await OpenAsync(test: test)).SignInAsync();

    private async Task<string> CreateJobAsync(string name, JsonObject? headers = null)
    {
        await cluster.StartAsync(postgres, zookeeper);
        var id = Http.NewId();
        var job = Http.NewJob(id, name: name);
        if (headers is not null)
            job["target"]!["headers"] = headers;
        await Http.Expect(await cluster.Admin.PostAsJsonAsync("/jobs", job), HttpStatusCode.Created);
        return id;
    }

    private static List<string?> MemberDigests(JsonObject status) =>
        [.. status["members"]!.AsArray().Select(m => (string?)m!["digest"])];

    private async Task<JsonObject> FirstVersionAsync(string id) =>
        await Http.Json(await cluster.Admin.GetAsync($"/jobs/{id}?version=1"));
}
