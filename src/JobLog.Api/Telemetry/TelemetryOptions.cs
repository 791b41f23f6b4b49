using System.ComponentModel.DataAnnotations;

namespace JobLog.Api.Telemetry;

public sealed class TelemetryOptions
{
    public const string Section = "JobLog:Telemetry";

    /// <summary>
    /// How many series (job, outcome, kind) the run outcome counter keeps apart; past it OpenTelemetry adds the rest to
    /// one series marked <c>otel_metric_overflow="true"</c>, so totals stay right while a scrape stays small.
    /// </summary>
    [Range(10, 100_000)]
    public int MaxRunSeries { get; set; } = 2_000;
}
