using Microsoft.Extensions.DependencyInjection;
using Polly;
using Polly.Registry;

namespace JobLog.ZooKeeper.Client;

/// <summary>Registers the ZooKeeper retry pipeline by name and a <see cref="ZooKeeperRetry"/> built on it.</summary>
public static class ZooKeeperRetryRegistration
{
    public static IServiceCollection AddZooKeeperRetry(this IServiceCollection services, int maxRetryAttempts = 5, TimeSpan? baseDelay = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddResiliencePipeline(
            ZooKeeperRetry.PipelineName,
            builder => builder.AddRetry(ZooKeeperRetry.CreateRetryOptions(maxRetryAttempts, baseDelay)));
        services.AddSingleton(provider => new ZooKeeperRetry(
            provider.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(ZooKeeperRetry.PipelineName)));
        return services;
    }
}
