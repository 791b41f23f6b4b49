using JobLog.Integration.Api;
using JobLog.Telemetry;
using Xunit;

namespace JobLog.Integration.Observability;

public sealed class RunSeriesLimitTests
{
    [Fact]
    public async Task Run_outcomes_of_more_jobs_than_the_series_limit_add_up_in_one_overflow_series()
    {
        await using var host = new ApiHost(connectionString: null)
        {
            Settings = new Dictionary<string, string?>
            {
                ["JobLog:UseInMemoryStore"] = "true",
                ["JobLog:Telemetry:MaxRunSeries"] = "10",
            },
        };
        var client = await host.ReadyClientAsync();
        var jobs = Enumerable.Range(0, 25).Select(i => $"series-{Guid.NewGuid():N}"[..20] + i).ToList();

        foreach (var job in jobs)
        {
            JobLogTelemetry.DispatchRuns.Add(1,
                new KeyValuePair<string, object?>(JobLogTelemetry.JobIdAttribute, job),
                new KeyValuePair<string, object?>(JobLogTelemetry.RunOutcomeAttribute, "succeeded"),
                new KeyValuePair<string, object?>(JobLogTelemetry.RunKindAttribute, "scheduled"));
        }
        var scrape = await PrometheusScrape.ReadAsync(client);

        var series = scrape.Text.Split('\n').Count(line => line.StartsWith("joblog_dispatch_runs_total{", StringComparison.Ordinal));
        // The limit's series and the overflow series.
        Assert.InRange(series, 1, 11);
        // The meter is the process's, so other tests' runs may take series too: of these 25 jobs at most 10 are shown apart.
        Assert.True(scrape.Sum("joblog_dispatch_runs_total", ("otel_metric_overflow", "true")) >= 15, scrape.Text);
    }
}
