using JobLog.Api;
using JobLog.Api.Api;
using JobLog.Api.Connections;
using JobLog.Cluster;
using JobLog.Jobs;
using JobLog.Store;
using Marten;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);
var configuration = builder.Configuration;

// Polly reports every execution at Information; on the request path that is noise and measurable cost.
builder.Logging.AddFilter("Polly", LogLevel.Warning);

builder.Services.AddOptions<JobLogApiOptions>()
    .BindConfiguration(JobLogApiOptions.Section)
    .PostConfigure(options =>
    {
        if (string.IsNullOrWhiteSpace(options.Postgres))
            options.Postgres = configuration[JobLogApiOptions.PostgresVariable];
    })
    .Validate(
        options => options.UseInMemoryStore || !string.IsNullOrWhiteSpace(options.Postgres),
        $"No event store configured: set the {JobLogApiOptions.PostgresVariable} environment variable " +
        "(or the JobLog:Postgres setting) to a PostgreSQL connection string.")
    .ValidateDataAnnotations()
    .ValidateOnStart();

// The store is chosen when first resolved, so settings a test host adds after this file ran still count.
builder.Services.AddSingleton<IDocumentStore>(sp =>
{
    var options = sp.GetRequiredService<IOptions<JobLogApiOptions>>().Value;
    return JobLogMarten.CreateDocumentStore(options.Postgres!, options.Schema);
});
builder.Services.AddSingleton<IJobEventStore>(sp =>
    sp.GetRequiredService<IOptions<JobLogApiOptions>>().Value.UseInMemoryStore
        ? new InMemoryJobEventStore(sp.GetRequiredService<TimeProvider>())
        : new MartenJobEventStore(sp.GetRequiredService<IDocumentStore>()));
builder.Services.TryAddSingleton(TimeProvider.System);
builder.Services.AddOptions<NodeOptions>()
    .BindConfiguration(NodeOptions.Section)
    .PostConfigure(node =>
    {
        if (string.IsNullOrWhiteSpace(node.NodeId))
            node.NodeId = configuration[JobLogApiOptions.NodeIdVariable] is { Length: > 0 } id ? id : DefaultNodeId(configuration);
    })
    .ValidateDataAnnotations()
    .ValidateOnStart();
builder.Services.AddOptions<StoreResilienceOptions>().BindConfiguration(StoreResilienceOptions.Section)
    .ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddOptions<CatchUpOptions>().BindConfiguration(CatchUpOptions.Section)
    .ValidateDataAnnotations().ValidateOnStart();

builder.Services.AddStoreResiliencePipelines();
builder.Services.AddSingleton(sp => new ResilientJobEventStore(
    sp.GetRequiredService<IJobEventStore>(), sp.GetRequiredService<Polly.Registry.ResiliencePipelineProvider<string>>()));
builder.Services.AddSingleton(sp => new ScheduleHolder(sp.GetRequiredService<TimeProvider>()));
builder.Services.AddSingleton<ScheduleCatchUp>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<ScheduleCatchUp>());
builder.Services.AddSingleton<JobCommandService>();

builder.Services.ConfigureHttpJsonOptions(json => ApiJson.Configure(json.SerializerOptions));
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = Problems.Customize);
builder.Services.AddExceptionHandler<ApiExceptionHandler>();
builder.Services.AddOpenApi();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Limits.MaxRequestBodySize = ApiLimits.MaxBodyBytes;
    kestrel.ConfigureEndpointDefaults(listen => listen.UseServerErrorProblems());
});

var app = builder.Build();

app.UseConnectionActivity();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseMiddleware<BodySizeLimitMiddleware>();

app.MapOpenApi();
app.MapJobsApi();
app.MapEventsApi();
app.MapScheduleApi();
app.MapHealthApi();

app.Run();

static string DefaultNodeId(IConfiguration configuration)
{
    var urls = configuration["urls"] ?? configuration["ASPNETCORE_URLS"] ?? "";
    var port = urls.Split(';', StringSplitOptions.RemoveEmptyEntries)
        .Select(url => Uri.TryCreate(url.Replace("*", "localhost").Replace("+", "localhost"), UriKind.Absolute, out var uri) ? uri.Port : 0)
        .FirstOrDefault(p => p > 0);
    var machine = Environment.MachineName.ToLowerInvariant();
    return port > 0 ? $"{machine}-{port}" : machine;
}

public partial class Program;
