using JobLog.Dispatch.Delivery;
using JobLog.Dispatch.Leader;
using JobLog.Dispatch.Runs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace JobLog.Dispatch;

public static class DispatchRegistration
{
    /// <summary>
    /// Registers dispatching: its options, the leader's dispatcher (a hosted service, and the state <c>/cluster</c> and
    /// <c>/schedule</c> show), the run store (PostgreSQL, or in memory beside the in-memory event store) and the webhook
    /// sender. Needs the store, the node and the cluster.
    /// </summary>
    public static IServiceCollection AddJobLogDispatch(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DispatchOptions>()
            .BindConfiguration(DispatchOptions.Section)
            .ValidateDataAnnotations()
            .Validate(options => options.Testing.IsValid(), DispatchTestingOptions.Rules)
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        // The in-memory run store goes with the in-memory event store; a node on PostgreSQL keeps its runs there.
        services.TryAddKeyedSingleton<IRunStore>(RunStoreRegistration.InMemoryStoreKey, (_, _) => new InMemoryRunStore());
        services.AddJobLogRunStore();
        services.AddJobLogDelivery();
        services.TryAddSingleton<IDispatchLeadership, ClusterDispatchLeadership>();
        services.AddSingleton<InFlightDeliveries>();
        // The dispatcher alone may run on a test's simulated clock; everything else keeps the node's.
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<LeaderDispatcher>(sp, SimulatedDispatchClock.For(
            sp.GetRequiredService<IOptions<DispatchOptions>>().Value.Testing, sp.GetRequiredService<TimeProvider>())));
        services.AddSingleton<IDispatcherState>(sp => sp.GetRequiredService<LeaderDispatcher>());
        services.AddHostedService(sp => sp.GetRequiredService<LeaderDispatcher>());
        return services;
    }
}
