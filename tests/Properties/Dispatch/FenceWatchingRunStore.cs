using System.Collections.Concurrent;
using JobLog.Dispatch;
using JobLog.Dispatch.Runs;

namespace JobLog.Properties.Dispatch;

/// <summary>
/// The in-memory run store, noting every dispatcher write it accepted with the fence as it stood just before: a write
/// accepted from an epoch below that fence is a deposed leader getting through.
/// </summary>
public sealed class FenceWatchingRunStore(InMemoryRunStore inner) : IRunStore
{
    public ConcurrentQueue<string> Breaches { get; } = new();

    /// <summary>Runs after a claim that got runs and before the dispatcher hears of it (a change between claim and call).</summary>
    public Func<Task>? AfterClaim { get; set; }

    public Task<DateTimeOffset> DispatchingSinceAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.DispatchingSinceAsync(now, cancellationToken);

    public Task TakeOverAsync(string node, long epoch, CancellationToken cancellationToken) =>
        inner.TakeOverAsync(node, epoch, cancellationToken);

    public async Task<IReadOnlyList<ClaimResult>> ClaimAsync(
        IReadOnlyList<OccurrenceClaim> claims, string node, long epoch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var fence = inner.Fence;
        var results = await inner.ClaimAsync(claims, node, epoch, now, cancellationToken);
        Note(fence, epoch, results.Any(r => r.Run is not null), "claimed");
        if (AfterClaim is { } hook && results.Any(r => r.Run is not null))
            await hook();
        return results;
    }

    public async Task<bool> BeginAttemptAsync(long runId, int attempt, string node, long epoch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var fence = inner.Fence;
        var begun = await inner.BeginAttemptAsync(runId, attempt, node, epoch, now, cancellationToken);
        Note(fence, epoch, begun, $"began attempt {attempt} of run {runId}");
        return begun;
    }

    public Task<bool> CompleteAsync(long runId, RunCompletion completion, CancellationToken cancellationToken) =>
        inner.CompleteAsync(runId, completion, cancellationToken);

    public async Task<IReadOnlyList<ClaimResult>> ResolveWithoutCallAsync(
        IReadOnlyList<OccurrenceClaim> claims, RunCompletion completion, string node, long epoch, CancellationToken cancellationToken)
    {
        var fence = inner.Fence;
        var results = await inner.ResolveWithoutCallAsync(claims, completion, node, epoch, cancellationToken);
        Note(fence, epoch, results.Any(r => r.Run is not null), $"resolved {completion.Outcome}");
        return results;
    }

    public Task<IReadOnlyDictionary<JobLog.Model.JobId, DateTimeOffset>> LatestScheduledAsync(CancellationToken cancellationToken) =>
        inner.LatestScheduledAsync(cancellationToken);

    public Task<IReadOnlyList<RunRecord>> UnfinishedAsync(CancellationToken cancellationToken) => inner.UnfinishedAsync(cancellationToken);

    public async Task<RunRecord?> AdoptAsync(long runId, string node, long epoch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var fence = inner.Fence;
        var adopted = await inner.AdoptAsync(runId, node, epoch, now, cancellationToken);
        Note(fence, epoch, adopted is not null, $"adopted run {runId}");
        return adopted;
    }

    public Task<RunRecord> RequestTriggerAsync(JobLog.Model.JobId job, long jobVersion, DateTimeOffset at, CancellationToken cancellationToken) =>
        inner.RequestTriggerAsync(job, jobVersion, at, cancellationToken);

    public Task<IReadOnlyList<RunRecord>> PendingTriggersAsync(CancellationToken cancellationToken) => inner.PendingTriggersAsync(cancellationToken);

    public async Task<RunRecord?> ClaimTriggerAsync(long runId, string node, long epoch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var fence = inner.Fence;
        var claimed = await inner.ClaimTriggerAsync(runId, node, epoch, now, cancellationToken);
        Note(fence, epoch, claimed is not null, $"claimed trigger {runId}");
        return claimed;
    }

    public Task WaitForTriggerAsync(CancellationToken cancellationToken) => inner.WaitForTriggerAsync(cancellationToken);

    public Task<RunRecord?> GetAsync(long runId, CancellationToken cancellationToken) => inner.GetAsync(runId, cancellationToken);

    public Task<RunPage> QueryAsync(RunQuery query, CancellationToken cancellationToken) => inner.QueryAsync(query, cancellationToken);

    private void Note(long fence, long epoch, bool accepted, string what)
    {
        if (accepted && epoch < fence)
            Breaches.Enqueue($"epoch {epoch} {what} after epoch {fence} took over");
    }
}
