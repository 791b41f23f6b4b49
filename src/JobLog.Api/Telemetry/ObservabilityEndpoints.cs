using JobLog.Api.Auth;
using JobLog.Api.OpenApi;
using Scalar.AspNetCore;

namespace JobLog.Api.Telemetry;

/// <summary><c>/metrics</c> (Prometheus text format) and <c>/docs</c> (the OpenAPI document as an interactive page).</summary>
public static class ObservabilityEndpoints
{
    public const string MetricsPath = "/metrics";
    public const string DocsPath = "/docs";

    public static bool IsScrape(PathString path) => path.StartsWithSegments(MetricsPath);

    public static IEndpointRouteBuilder MapJobLogObservability(this IEndpointRouteBuilder app)
    {
        app.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(AuthPolicies.Metrics);
        // Scalar serves its page and script from the assembly; its fonts come from its CDN unless turned off, and its
        // usage report goes to its servers: both off, so the page works on a machine without internet access.
        app.MapScalarApiReference(DocsPath, docs => docs
                .WithTitle("JobLog API")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .DisableDefaultFonts()
                .DisableTelemetry()
                .AddPreferredSecuritySchemes(OpenApiSecurity.SchemeName))
            .RequireAuthorization(AuthPolicies.OpenApi);
        return app;
    }
}
