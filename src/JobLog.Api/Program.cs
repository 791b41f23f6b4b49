using JobLog.Api;
using JobLog.Api.Api;
using JobLog.Api.Auth;
using JobLog.Api.Connections;
using JobLog.Api.OpenApi;
using JobLog.Api.Telemetry;
using JobLog.Api.WebConsole;
using JobLog.Cluster;
using JobLog.Commands;
using JobLog.Dispatch;
using JobLog.Node;
using JobLog.Secrets;
using JobLog.Store;

var builder = WebApplication.CreateBuilder(args);
var configuration = builder.Configuration;

// Polly reports every execution at Information; on the request path that is noise and measurable cost.
builder.Logging.AddFilter("Polly", LogLevel.Warning);
builder.Configuration.AddJobLogKeysFile();

builder.Services
    .AddJobLogStore(configuration)
    .AddJobLogSecrets()
    .AddJobLogNode(configuration)
    .AddJobLogCommands()
    .AddJobLogCluster(configuration)
    .AddJobLogDispatch(configuration)
    .AddJobLogAuth()
    .AddJobLogTelemetry(configuration);

builder.Services.ConfigureHttpJsonOptions(json => ApiJson.Configure(json.SerializerOptions));
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = Problems.Customize);
builder.Services.AddExceptionHandler<ApiExceptionHandler>();
builder.Services.AddOpenApi(OpenApiSecurity.Configure);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Limits.MaxRequestBodySize = ApiLimits.MaxBodyBytes;
    kestrel.ConfigureEndpointDefaults(listen => listen.UseServerErrorProblems());
});

var app = builder.Build();

app.UseConnectionActivity();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseJobLogConsole();
app.UseJobLogAuth();
app.UseMiddleware<BodySizeLimitMiddleware>();

app.MapOpenApi().RequireAuthorization(AuthPolicies.OpenApi);
app.MapJobLogObservability();
app.MapJobsApi();
app.MapEventsApi();
app.MapRunsApi();
app.MapScheduleApi();
app.MapClusterApi();
app.MapHealthApi();
app.MapCronApi();
app.MapMeApi();

app.Run();

public partial class Program;
