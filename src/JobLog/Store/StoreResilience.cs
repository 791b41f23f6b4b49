using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace JobLog.Store;

public static class StoreResilience
{
    /// <summary>Registers the named pipelines that <see cref="ResilientJobEventStore"/> runs every call through.</summary>
    public static IServiceCollection AddStoreResiliencePipelines(this IServiceCollection services)
    {
        services.AddResiliencePipeline(ResilientJobEventStore.ReadPipeline, (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<StoreResilienceOptions>>().Value;
            pipeline.AddTimeout(options.CallTimeout);
            if (options.ReadRetries > 0)
            {
                pipeline.AddRetry(new RetryStrategyOptions
                {
                    ShouldHandle = new PredicateBuilder().Handle<Exception>(StoreFailures.IsUnavailability),
                    MaxRetryAttempts = options.ReadRetries,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = options.RetryDelay,
                });
            }
        });
        services.AddResiliencePipeline(ResilientJobEventStore.WritePipeline, (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<StoreResilienceOptions>>().Value;
            pipeline.AddTimeout(options.CallTimeout);
        });
        return services;
    }
}
