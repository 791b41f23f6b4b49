using JobLog.Dispatch.Leader;
using JobLog.Dispatch.Runs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace JobLog.Dispatch;

public static class DispatchRegistration
{
    /// <summary>
    /// Registers dispatching: its options, the leader's dispatcher (a hosted service, and the state <c>/cluster</c> and
    /// <c>/schedule</c> show), and the run store and webhook sender it uses. The run store and the sender are added with
    /// TryAdd, so the PostgreSQL run store and the HTTP sender win when their registrations are added, before or after
    /// this one (a later plain Add wins anyway). Needs the store, the node and the cluster.
    /// </summary>
    public static IServiceCollection AddJobLogDispatch(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DispatchOptions>()
            .BindConfiguration(DispatchOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        // The in-memory run store goes with the in-memory event store; a node on PostgreSQL gets the PostgreSQL run store
        // from its own registration. Until that is registered such a node keeps its runs in memory too.
        services.TryAddSingleton<InMemoryRunStore>();
        services.TryAddSingleton<IRunStore>(sp => sp.GetRequiredService<InMemoryRunStore>());
        services.TryAddSingleton<IWebhookSender, UnavailableWebhookSender>();
        services.TryAddSingleton<IDispatchLeadership, ClusterDispatchLeadership>();
        services.AddSingleton<InFlightDeliveries>();
        services.AddSingleton<LeaderDispatcher>();
        services.AddSingleton<IDispatcherState>(sp => sp.GetRequiredService<LeaderDispatcher>());
        services.AddHostedService(sp => sp.GetRequiredService<LeaderDispatcher>());
        return services;
    }
}
