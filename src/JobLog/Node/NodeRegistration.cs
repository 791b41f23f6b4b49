using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace JobLog.Node;

public static class NodeRegistration
{
    public const string NodeIdVariable = "JOBLOG_NODE_ID";

    /// <summary>Registers this node's schedule: the holder, its sync status, the one feed into it and the store catch-up.</summary>
    public static IServiceCollection AddJobLogNode(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NodeOptions>()
            .BindConfiguration(NodeOptions.Section)
            .PostConfigure(node =>
            {
                if (string.IsNullOrWhiteSpace(node.NodeId))
                    node.NodeId = configuration[NodeIdVariable] is { Length: > 0 } id ? id : DefaultNodeId(configuration);
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<CatchUpOptions>().BindConfiguration(CatchUpOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ScheduleHolder>();
        services.AddSingleton<SyncStatus>();
        services.AddSingleton<ScheduleFeed>();
        services.AddSingleton<StoreCatchUp>();
        services.AddHostedService(sp => sp.GetRequiredService<StoreCatchUp>());
        services.AddOptions<AppliedTraceOptions>().BindConfiguration(AppliedTraceOptions.Section);
        services.AddHostedService<AppliedTrace>();
        return services;
    }

    private static string DefaultNodeId(IConfiguration configuration)
    {
        var urls = configuration["urls"] ?? configuration["ASPNETCORE_URLS"] ?? "";
        var port = urls.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(url => Uri.TryCreate(url.Replace("*", "localhost").Replace("+", "localhost"), UriKind.Absolute, out var uri) ? uri.Port : 0)
            .FirstOrDefault(p => p > 0);
        var machine = Environment.MachineName.ToLowerInvariant();
        return port > 0 ? $"{machine}-{port}" : machine;
    }
}
