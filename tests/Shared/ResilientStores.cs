using JobLog.Store;
using Microsoft.Extensions.DependencyInjection;
using Polly.Registry;

namespace JobLog.Testing;

/// <summary>The resilient decorator as the API wires it (named pipelines from <see cref="StoreResilience"/>), over any store.</summary>
public static class ResilientStores
{
    public static ResilientJobEventStore Over(IJobEventStore store, StoreResilienceOptions? options = null)
    {
        var services = new ServiceCollection();
        var configured = services.AddOptions<StoreResilienceOptions>();
        if (options is not null)
        {
            configured.Configure(o =>
            {
                o.CallTimeout = options.CallTimeout;
                o.ReadRetries = options.ReadRetries;
                o.RetryDelay = options.RetryDelay;
            });
        }
        services.AddStoreResiliencePipelines();
        var provider = services.BuildServiceProvider();
        return new ResilientJobEventStore(store, provider.GetRequiredService<ResiliencePipelineProvider<string>>());
    }
}
