using JobLog.Cluster;
using JobLog.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly.Registry;

namespace JobLog.Properties.Cluster;

/// <summary>A node's schedule and its catch-up, wired as the API wires them, over a given store.</summary>
public sealed record CatchUpNode(ScheduleHolder Holder, ScheduleCatchUp CatchUp)
{
    public static CatchUpNode Over(IJobEventStore store, TimeSpan? tailInterval = null)
    {
        var services = new ServiceCollection();
        services.AddOptions<StoreResilienceOptions>();
        services.AddStoreResiliencePipelines();
        var provider = services.BuildServiceProvider();
        var resilient = new ResilientJobEventStore(store, provider.GetRequiredService<ResiliencePipelineProvider<string>>());
        var holder = new ScheduleHolder(TimeProvider.System);
        var options = Options.Create(new CatchUpOptions { TailInterval = tailInterval ?? TimeSpan.FromMilliseconds(50), PageSize = 2 });
        var catchUp = new ScheduleCatchUp(resilient, holder, TimeProvider.System, options, NullLogger<ScheduleCatchUp>.Instance);
        return new CatchUpNode(holder, catchUp);
    }
}
