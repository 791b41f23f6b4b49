using System.Collections.Concurrent;
using JobLog.Dispatch;
using JobLog.Dispatch.Runs;

namespace JobLog.Properties.Dispatch;

/// <summary>
/// The in-memory run store, noting every dispatcher write it accepted with the fence as it stood just before: a write
/// accepted from a leadership other than the one that fence held is a deposed (or never installed) leader getting through.
/// </summary>
public sealed class FenceWatchingRunStore(InMemoryRunStore inner) : IRunStore
{
    public ConcurrentQueue<string> Breaches { get; } = new();

    /// <summary>Runs after a claim that got runs and before the dispatcher hears of it (a change between claim and call).</summary>
    public Func<Task>? AfterClaim { get; set; }

    public Task<DateTimeOffset> DispatchingSinceAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.DispatchingSinceAsync(now, cancellationToken);

    public Task<FenceHolder> TakeOverAsync(string node, DispatchFenceToken leadership, CancellationToken cancellationToken) =>
        inner.TakeOverAsync(node, leadership, cancellationToken);

    public async Task<IReadOnlyList<ClaimResult>> ClaimAsync(
        IReadOnlyList<OccurrenceClaim> claims, string node, DispatchFenceToken leadership, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var fence = inner.Fence;
        var results = await inner.ClaimAsync(claims, node, leadership, now, cancellationToken);
        Note(fence, leadership, results.Any(r => r.Run is not null), "claimed");
        if (AfterClaim is { } hook && results.Any(r => r.Run is not null))
            await hook();
        return results;
    }

    public async Task<bool> BeginAttemptAsync(long runId, int attempt, string node, DispatchFenceToken leadership, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var fence = inner.Fence;
        var begun = await inner.BeginAttemptAsync(runId, attempt, node, leadership, now, cancellationToken);
        Note(fence, leadership, begun, $"began attempt {attempt} of run {runId}");
        return begun;
    }

    public async Task<bool> RebaseAsync(long runId, long jobVersion, string node, DispatchFenceToken leadership, CancellationToken cancellationToken)
    {
        var fence = inner.Fence;
        var moved = await inner.RebaseAsync(runId, jobVersion, node, leadership, cancellationToken);
        Note(fence, leadership, moved, $"moved run {runId} to version {jobVersion}");
        return moved;
    }

    public Task<bool> CompleteAsync(long runId, RunCompletion completion, CancellationToken cancellationToken) =>
        inner.CompleteAsync(runId, completion, cancellationToken);

    public async Task<IReadOnlyList<ClaimResult>> ResolveWithoutCallAsync(
        IReadOnlyList<OccurrenceClaim> claims, RunCompletion completion, string node, DispatchFenceToken leadership, CancellationToken cancellationToken)
    {
        var fence = inner.Fence;
        var results = await inner.ResolveWithoutCallAsync(claims, completion, node, leadership, cancellationToken);
        Note(fence, leadership, results.Any(r => r.Run is not null), $"resolved {completion.Outcome}");
        return results;
    }

    public async Task<IReadOnlyList<ClaimResult>> ResolveEachWithoutCallAsync(
        IReadOnlyList<ResolvedOccurrence> resolved, string node, DispatchFenceToken leadership, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var fence = inner.Fence;
        var results = await inner.ResolveEachWithoutCallAsync(resolved, node, leadership, now, cancellationToken);
        Note(fence, leadership, resolved.Count > 0, "resolved occurrences each with its outcome");
        if (AfterClaim is { } hook && results.Any(r => r.Run is not null))
            await hook();
        return results;
    }

    public Task<IReadOnlyDictionary<JobLog.Model.JobId, DateTimeOffset>> LatestScheduledAsync(CancellationToken cancellationToken) =>
        inner.LatestScheduledAsync(cancellationToken);

    public Task<IReadOnlyList<RunRecord>> UnfinishedAsync(CancellationToken cancellationToken) => inner.UnfinishedAsync(cancellationToken);

    public async Task<RunRecord?> AdoptAsync(long runId, string node, DispatchFenceToken leadership, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var fence = inner.Fence;
        var adopted = await inner.AdoptAsync(runId, node, leadership, now, cancellationToken);
        Note(fence, leadership, adopted is not null, $"adopted run {runId}");
        return adopted;
    }

    public async Task<IReadOnlyList<RunRecord>> AdoptAllAsync(
        IReadOnlyList<long> runIds, string node, DispatchFenceToken leadership, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var fence = inner.Fence;
        var adopted = await inner.AdoptAllAsync(runIds, node, leadership, now, cancellationToken);
        Note(fence, leadership, adopted.Count > 0, $"adopted runs {string.Join(", ", adopted.Select(r => r.Id))}");
        return adopted;
    }

    public Task<RunRecord> RequestTriggerAsync(JobLog.Model.JobId job, long jobVersion, DateTimeOffset at, CancellationToken cancellationToken) =>
        inner.RequestTriggerAsync(job, jobVersion, at, cancellationToken);

    public Task<IReadOnlyList<RunRecord>> PendingTriggersAsync(CancellationToken cancellationToken) => inner.PendingTriggersAsync(cancellationToken);

    public async Task<RunRecord?> ClaimTriggerAsync(long runId, string node, DispatchFenceToken leadership, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var fence = inner.Fence;
        var claimed = await inner.ClaimTriggerAsync(runId, node, leadership, now, cancellationToken);
        Note(fence, leadership, claimed is not null, $"claimed trigger {runId}");
        return claimed;
    }

    public Task WaitForTriggerAsync(CancellationToken cancellationToken) => inner.WaitForTriggerAsync(cancellationToken);

    public Task<RunRecord?> GetAsync(long runId, CancellationToken cancellationToken) => inner.GetAsync(runId, cancellationToken);

    public Task<RunPage> QueryAsync(RunQuery query, CancellationToken cancellationToken) => inner.QueryAsync(query, cancellationToken);

    private void Note(FenceHolder fence, DispatchFenceToken leadership, bool accepted, string what)
    {
        if (accepted && !fence.Holds(leadership))
            Breaches.Enqueue($"{leadership} {what} while the fence held {fence}");
    }
}
