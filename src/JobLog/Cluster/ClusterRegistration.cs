using JobLog.Commands;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JobLog.Cluster;

public static class ClusterRegistration
{
    /// <summary>
    /// Registers the cluster: the ZooKeeper session and what works through it (mirror, relay, apply path, membership,
    /// election). Needs the store, the node and the commands. Without a ZooKeeper connection string the node runs alone.
    /// </summary>
    public static IServiceCollection AddJobLogCluster(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ClusterOptions>()
            .BindConfiguration(ClusterOptions.Section)
            .PostConfigure(options =>
            {
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                    options.ConnectionString = configuration[ClusterOptions.ConnectionStringVariable];
                if (string.IsNullOrWhiteSpace(options.AdvertisedUrl))
                    options.AdvertisedUrl = FirstUrl(configuration);
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<ClusterTestHooks>()
            .BindConfiguration(ClusterTestHooks.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton(sp => new ClusterPaths(sp.GetRequiredService<IOptions<ClusterOptions>>().Value.Root));
        services.AddSingleton<ClusterClient>();
        services.AddSingleton<JobMirror>();
        services.AddSingleton<MirrorRelay>();
        services.AddSingleton<ZooKeeperFeed>();
        services.AddSingleton<ClusterLeadership>();
        services.AddSingleton<ClusterMembership>();
        services.AddSingleton<ClusterAgent>();
        services.AddSingleton<IChangeMirror, ClusterChangeMirror>();
        services.AddHostedService<ZooKeeperSession>();
        return services;
    }

    private static string? FirstUrl(IConfiguration configuration) =>
        (configuration["urls"] ?? configuration["ASPNETCORE_URLS"])?
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault();
}
