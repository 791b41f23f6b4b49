using JobLog.Node;
using JobLog.Store;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace JobLog.Testing;

/// <summary>A node's schedule, its sync status, the feed into it and its store catch-up, wired as the API wires them, over a given store.</summary>
public sealed record CatchUpNode(ScheduleHolder Holder, StoreCatchUp CatchUp, SyncStatus Status, ScheduleFeed Feed)
{
    public static CatchUpNode Over(IJobEventStore store, TimeSpan? tailInterval = null, int repairBatchSize = 1_000, int pageSize = 2)
    {
        var options = Options.Create(new CatchUpOptions
        {
            TailInterval = tailInterval ?? TimeSpan.FromMilliseconds(50),
            PageSize = pageSize,
            RepairBatchSize = repairBatchSize,
        });
        var resilient = ResilientStores.Over(store);
        var holder = new ScheduleHolder();
        var status = new SyncStatus(TimeProvider.System);
        var feed = new ScheduleFeed(holder, resilient, status, options, NullLogger<ScheduleFeed>.Instance);
        var catchUp = new StoreCatchUp(resilient, feed, holder, status, TimeProvider.System, options, NullLogger<StoreCatchUp>.Instance);
        return new CatchUpNode(holder, catchUp, status, feed);
    }
}
