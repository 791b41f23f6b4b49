using JobLog.Api.Auth;
using JobLog.Telemetry;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace JobLog.Api.Telemetry;

public static class TelemetryRegistration
{
    /// <summary>The standard variable that names an OTLP collector; without it nothing leaves the node but <c>/metrics</c>.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// OpenTelemetry metrics (JobLog's, ASP.NET Core's, Kestrel's, the runtime's, Npgsql's) read by the Prometheus
    /// exporter, and traces (ASP.NET Core, JobLog's command and dispatch spans, Npgsql). Traces are made even without an
    /// exporter, so every log line written inside a request or a command carries its trace id. With
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, metrics, traces and logs are also sent there over OTLP.
    /// </summary>
    public static IServiceCollection AddJobLogTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<NodeGauges>();
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(JobLogTelemetry.Name))
            .WithMetrics(metrics => metrics
                .AddMeter(JobLogTelemetry.Name)
                // Made with the meter provider, so the gauges exist from the first scrape on.
                .AddInstrumentation(sp => sp.GetRequiredService<NodeGauges>())
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddView(instrument => instrument.Name == JobLogTelemetry.DispatchRunsName ? RunSeries(configuration) : null)
                // A scrape reads the current values; the exporter's default 300 ms cache would hide a change made just before.
                .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0))
            .WithTracing(tracing => tracing
                .AddSource(JobLogTelemetry.Name)
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = http => !ObservabilityEndpoints.IsScrape(http.Request.Path))
                .AddNpgsql());
        if (!string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable]))
            telemetry.WithLogging().UseOtlpExporter();
        return services;
    }

    private static MetricStreamConfiguration RunSeries(IConfiguration configuration)
    {
        var options = new TelemetryOptions();
        configuration.GetSection(TelemetryOptions.Section).Bind(options);
        return new MetricStreamConfiguration { CardinalityLimit = options.MaxRunSeries };
    }
}
