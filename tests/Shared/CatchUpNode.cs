using JobLog.Cluster;
using JobLog.Store;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace JobLog.Testing;

/// <summary>A node's schedule and its catch-up, wired as the API wires them, over a given store.</summary>
public sealed record CatchUpNode(ScheduleHolder Holder, ScheduleCatchUp CatchUp)
{
    public static CatchUpNode Over(IJobEventStore store, TimeSpan? tailInterval = null, int repairBatchSize = 1_000, int pageSize = 2)
    {
        var holder = new ScheduleHolder(TimeProvider.System);
        var options = Options.Create(new CatchUpOptions
        {
            TailInterval = tailInterval ?? TimeSpan.FromMilliseconds(50),
            PageSize = pageSize,
            RepairBatchSize = repairBatchSize,
        });
        var catchUp = new ScheduleCatchUp(
            ResilientStores.Over(store), holder, TimeProvider.System, options, NullLogger<ScheduleCatchUp>.Instance);
        return new CatchUpNode(holder, catchUp);
    }
}
