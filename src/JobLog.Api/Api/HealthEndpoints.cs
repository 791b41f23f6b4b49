using JobLog.Node;
using JobLog.Store;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace JobLog.Api.Api;

/// <summary>Liveness (the process answers) and readiness (the store answers and this node's schedule is current).</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("").WithTags("Health").AllowAnonymous();
        health.MapGet("/healthz", GetLiveness).WithName(nameof(GetLiveness)).WithSummary("200 while the process runs.");
        health.MapGet("/readyz", GetReadiness)
            .WithName(nameof(GetReadiness))
            .WithSummary("200 when the store answers, this node's schedule has loaded and caught up, and it is connected to ZooKeeper (when configured); else a 503 problem saying which part is missing.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    public static Ok<HealthView> GetLiveness(ScheduleHolder schedule, SyncStatus status, IOptions<NodeOptions> node) =>
        TypedResults.Ok(View("alive", schedule, status, node.Value));

    public static async Task<Results<Ok<HealthView>, ProblemHttpResult>> GetReadiness(
        ScheduleHolder schedule,
        SyncStatus status,
        IJobEventStore store,
        IOptions<CatchUpOptions> catchUp,
        IOptions<NodeOptions> node,
        CancellationToken cancellationToken)
    {
        try
        {
            await store.ReadAllAsync(status.TailSequence, 1, cancellationToken);
        }
        catch (StoreUnavailableException)
        {
            // The exception's text (connection details, SQL) is for the log, not for whoever polls readiness.
            return Problems.NotReady("The event store is unreachable or did not answer in time.");
        }
        if (!status.IsLoaded)
            return Problems.NotReady($"Still loading the schedule from the store{Because(status)}.");
        if (status.ZooKeeper is not (ZooKeeperLink.Connected or ZooKeeperLink.NotConfigured))
            return Problems.NotReady($"Not connected to ZooKeeper ({status.ZooKeeper.ToString().ToLowerInvariant()}): other nodes' changes reach this node late.");
        // With ZooKeeper connected the store is read only as a safety net, that often.
        var maxLag = status.ZooKeeper == ZooKeeperLink.Connected ? catchUp.Value.SafetyNetInterval + catchUp.Value.MaxLag : catchUp.Value.MaxLag;
        if (!status.IsStoreCaughtUp(maxLag))
            return Problems.NotReady($"The schedule has not synced with the store within {maxLag}{Because(status)}.");
        return TypedResults.Ok(View("ready", schedule, status, node.Value));
    }

    private static string Because(SyncStatus status) =>
        status.StoreError is not null ? " (the last attempt failed; the node's log says why)" : "";

    private static HealthView View(string state, ScheduleHolder schedule, SyncStatus status, NodeOptions node) =>
        new(state, node.NodeId, schedule.Current.Count, status.TailSequence, status.LastStoreSyncAt);
}
