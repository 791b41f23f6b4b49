using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Polly.Registry;

namespace JobLog.Store;

public static class StoreRegistration
{
    /// <summary>The store behind the resilient decorator; a test host replaces this keyed service to use its own.</summary>
    public const string BackingStoreKey = "joblog:backing-store";

    /// <summary>
    /// Registers the event store as the one <see cref="IJobEventStore"/>: Marten (or the in-memory store a test asks
    /// for) behind <see cref="ResilientJobEventStore"/>, with its options and retry pipelines.
    /// </summary>
    public static IServiceCollection AddJobLogStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EventStoreOptions>()
            .BindConfiguration(EventStoreOptions.Section)
            .PostConfigure(options =>
            {
                if (string.IsNullOrWhiteSpace(options.Postgres))
                    options.Postgres = configuration[EventStoreOptions.PostgresVariable];
            })
            .Validate(
                options => options.UseInMemoryStore || !string.IsNullOrWhiteSpace(options.Postgres),
                $"No event store configured: set the {EventStoreOptions.PostgresVariable} environment variable " +
                "(or the JobLog:Postgres setting) to a PostgreSQL connection string.")
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<StoreResilienceOptions>().BindConfiguration(StoreResilienceOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddStoreResiliencePipelines();

        // Resolved on first use, so settings a test host adds after registration still count.
        services.AddSingleton<IDocumentStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<EventStoreOptions>>().Value;
            return JobLogMarten.CreateDocumentStore(options.Postgres!, options.Schema);
        });
        services.AddKeyedSingleton<IJobEventStore>(BackingStoreKey, (sp, _) =>
            sp.GetRequiredService<IOptions<EventStoreOptions>>().Value.UseInMemoryStore
                ? new InMemoryJobEventStore(sp.GetRequiredService<TimeProvider>())
                : new MartenJobEventStore(sp.GetRequiredService<IDocumentStore>()));
        services.AddSingleton<IJobEventStore>(sp => new ResilientJobEventStore(
            sp.GetRequiredKeyedService<IJobEventStore>(BackingStoreKey),
            sp.GetRequiredService<ResiliencePipelineProvider<string>>()));
        return services;
    }
}
