using JobLog.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobLog.Dispatch.Runs;

public static class RunStoreRegistration
{
    /// <summary>The PostgreSQL run store, as a keyed service (the one <see cref="IRunStore"/> picks on PostgreSQL).</summary>
    public const string PostgresStoreKey = "joblog:postgres-run-store";

    /// <summary>The run store a node on the in-memory event store uses, as a keyed service registered by its owner.</summary>
    public const string InMemoryStoreKey = "joblog:in-memory-run-store";

    /// <summary>
    /// Registers the one <see cref="IRunStore"/>: the PostgreSQL store on the event store's connection and schema, or,
    /// when <see cref="EventStoreOptions.UseInMemoryStore"/> is set, the in-memory store keyed <see cref="InMemoryStoreKey"/>.
    /// The choice is made on first use, so settings a test host adds after registration still count; it is added as the
    /// last registration of <see cref="IRunStore"/>, so it wins over any added with TryAdd before or after it. Needs
    /// <see cref="StoreRegistration.AddJobLogStore"/> (the options).
    /// </summary>
    public static IServiceCollection AddJobLogRunStore(this IServiceCollection services)
    {
        services.TryAddKeyedSingleton<IRunStore>(PostgresStoreKey, (sp, _) =>
        {
            var options = sp.GetRequiredService<IOptions<EventStoreOptions>>().Value;
            return new PostgresRunStore(options.Postgres!, options.Schema, sp.GetRequiredService<ILogger<PostgresRunStore>>());
        });
        services.AddSingleton<IRunStore>(sp =>
            sp.GetRequiredService<IOptions<EventStoreOptions>>().Value.UseInMemoryStore
                ? sp.GetKeyedService<IRunStore>(InMemoryStoreKey)
                  ?? throw new InvalidOperationException(
                      $"The in-memory event store is configured but no in-memory run store is registered (keyed '{InMemoryStoreKey}').")
                : sp.GetRequiredKeyedService<IRunStore>(PostgresStoreKey));
        return services;
    }
}
