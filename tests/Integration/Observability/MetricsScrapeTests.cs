using System.Net;
using System.Text.Json.Nodes;
using JobLog.Integration.Api;
using JobLog.Integration.Fixtures;
using Xunit;
using static JobLog.Integration.Api.Http;

namespace JobLog.Integration.Observability;

/// <summary>A node process on real PostgreSQL scraped the way Prometheus does, before and after changes made through its API.</summary>
[Collection(PostgresFixture.Collection)]
public sealed class MetricsScrapeTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Counters_move_by_exactly_the_changes_and_conflicts_made_and_a_scrape_moves_none()
    {
        await using var node = await ApiProcess.StartAsync(Environment(), ApiProcess.FreePort(), Startup);
        using var admin = TestKeys.Client(node.BaseAddress);
        using var scraper = TestKeys.Client(node.BaseAddress, TestKeys.Viewer);
        var before = await ScrapeAsync(scraper);
        var id = NewId();

        await admin.CreateJob(id);
        await Expect(await admin.Send(HttpMethod.Put, $"/jobs/{id}", Serialize(NewJob(id, name: "renamed")), "\"1\""), HttpStatusCode.OK);
        await ExpectProblem(await admin.Send(HttpMethod.Post, $"/jobs/{id}/pause", ifMatch: "\"1\""), HttpStatusCode.PreconditionFailed);
        await Expect(await admin.Send(HttpMethod.Delete, $"/jobs/{id}", ifMatch: "\"2\""), HttpStatusCode.OK);
        var after = await ScrapeAsync(scraper);
        var again = await ScrapeAsync(scraper);

        foreach (var scrape in new[] { after, again })
        {
            Assert.Equal(1, Moved(before, scrape, "joblog_job_changes_total", ("joblog_event_type", "JobAdded")));
            Assert.Equal(1, Moved(before, scrape, "joblog_job_changes_total", ("joblog_event_type", "JobUpdated")));
            Assert.Equal(1, Moved(before, scrape, "joblog_job_changes_total", ("joblog_event_type", "JobDeleted")));
            Assert.Equal(3, Moved(before, scrape, "joblog_job_changes_total"));
            Assert.Equal(1, Moved(before, scrape, "joblog_job_conflicts_total", ("joblog_conflict_kind", "stale_version")));
            Assert.Equal(1, Moved(before, scrape, "joblog_job_conflicts_total"));
            Assert.Equal(3, Moved(before, scrape, "joblog_store_append_duration_seconds_count", ("joblog_append_outcome", "committed")));
            Assert.Equal(1, scrape.Sum("joblog_schedule_jobs"));
            Assert.Equal(1, scrape.Sum("joblog_zookeeper_session_state", ("joblog_zookeeper_state", "not_configured")));
            Assert.Equal(0, scrape.Sum("joblog_zookeeper_session_state", ("joblog_zookeeper_state", "connected")));
        }
        // This node's own writes reach its schedule on the write path, after the append: a lag was measured for each.
        Assert.True(Moved(before, after, "joblog_schedule_propagation_lag_seconds_count") >= 3, after.Text);
        Assert.True(after.Has("http_server_request_duration_seconds_count"), "ASP.NET Core's own metrics are missing.");
    }

    [Fact]
    public async Task The_scrape_endpoint_wants_a_viewer_unless_anonymous_metrics_are_allowed()
    {
        await using var closed = await ApiProcess.StartAsync(Environment(), ApiProcess.FreePort(), Startup);
        using var nobody = new HttpClient { BaseAddress = closed.BaseAddress };
        await ExpectProblem(await nobody.GetAsync("/metrics"), HttpStatusCode.Unauthorized);

        var open = new Dictionary<string, string>(Environment()) { ["JobLog__Auth__AnonymousMetrics"] = "true" };
        await using var anonymous = await ApiProcess.StartAsync(open, ApiProcess.FreePort(), Startup);
        using var scraper = new HttpClient { BaseAddress = anonymous.BaseAddress };
        var scrape = await ScrapeAsync(scraper);
        Assert.True(scrape.Has("joblog_schedule_jobs"), scrape.Text);
    }

    private Dictionary<string, string> Environment() => new()
    {
        ["JOBLOG_POSTGRES"] = postgres.ConnectionString,
        ["JOBLOG_NODE_ID"] = "metrics-node",
        ["JobLog__Schema"] = PostgresFixture.NewSchemaName(),
        ["Logging__LogLevel__Default"] = "Warning",
    };

    private static Task<PrometheusScrape> ScrapeAsync(HttpClient client) => PrometheusScrape.ReadAsync(client);

    private static double Moved(PrometheusScrape before, PrometheusScrape after, string name, params (string, string)[] labels) =>
        after.Sum(name, labels) - before.Sum(name, labels);
}
