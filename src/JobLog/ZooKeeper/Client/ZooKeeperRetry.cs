using JobLog.ZooKeeper.Errors;
using Polly;
using Polly.Retry;

namespace JobLog.ZooKeeper.Client;

/// <summary>
/// Retries ZooKeeper calls whose repetition is safe, on <see cref="ConnectionLossException"/> and
/// <see cref="OperationTimeoutException"/> only (the outcome of the failed attempt is unknown), with exponential
/// backoff and jitter. Reads and version-checked writes qualify; unconditional and sequential writes do not.
/// </summary>
/// <remarks>
/// A retried write may find its own earlier attempt already applied. The helpers resolve that where it can be told:
/// <list type="bullet">
/// <item><see cref="CreateAsync"/>: NodeExists on a retry of an ephemeral create is success when the node's
/// ephemeral owner is this session; for other modes the node cannot be told apart from someone else's, so NodeExists
/// is rethrown.</item>
/// <item><see cref="DeleteAsync"/>: NoNode on a retry is success (the node is gone, which is what was asked; with a
/// version the earlier attempt is the only delete that could have matched it unless another writer raced).</item>
/// <item><see cref="SetDataAsync"/>: BadVersion on a retry is success when the node is now at exactly
/// version + 1 and holds our data.</item>
/// </list>
/// </remarks>
public sealed class ZooKeeperRetry
{
    /// <summary>Name to register the pipeline under with <c>AddResiliencePipeline</c>.</summary>
    public const string PipelineName = "zookeeper";

    private readonly ResiliencePipeline _pipeline;

    public ZooKeeperRetry(ResiliencePipeline pipeline) => _pipeline = pipeline;

    public ZooKeeperRetry()
        : this(CreatePipeline())
    {
    }

    /// <summary>Retry options: ConnectionLoss and OperationTimeout only, exponential backoff with jitter.</summary>
    public static RetryStrategyOptions CreateRetryOptions(int maxRetryAttempts = 5, TimeSpan? baseDelay = null) => new()
    {
        ShouldHandle = new PredicateBuilder().Handle<ConnectionLossException>().Handle<OperationTimeoutException>(),
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
        MaxRetryAttempts = maxRetryAttempts,
        Delay = baseDelay ?? TimeSpan.FromMilliseconds(100),
        MaxDelay = TimeSpan.FromSeconds(5),
    };

    /// <summary>The pipeline on its own; <paramref name="timeProvider"/> (default: the system clock) times the backoff.</summary>
    public static ResiliencePipeline CreatePipeline(int maxRetryAttempts = 5, TimeSpan? baseDelay = null, TimeProvider? timeProvider = null) =>
        new ResiliencePipelineBuilder { TimeProvider = timeProvider }.AddRetry(CreateRetryOptions(maxRetryAttempts, baseDelay)).Build();

    /// <summary>Runs an idempotent operation (a read, or anything the caller knows is safe to repeat).</summary>
    public async Task<T> ExecuteIdempotentAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return await _pipeline.ExecuteAsync(
            static async (op, ct) => await op(ct).ConfigureAwait(false), operation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates a non-sequential znode, retrying on connection loss (see the class remarks for NodeExists).</summary>
    public async Task<string> CreateAsync(
        IZooKeeperClient client, string path, ReadOnlyMemory<byte> data, CreateMode mode, IReadOnlyList<Acl>? acl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (mode is CreateMode.PersistentSequential or CreateMode.EphemeralSequential or CreateMode.PersistentSequentialWithTtl)
            throw new ArgumentException("A sequential create is not idempotent (a retry could make a second node); call the client directly.", nameof(mode));

        var attempts = 0;
        return await _pipeline.ExecuteAsync(async ct =>
        {
            var retried = attempts++ > 0;
            try
            {
                return await client.CreateAsync(path, data, mode, acl, ct).ConfigureAwait(false);
            }
            catch (NodeExistsException) when (retried && mode == CreateMode.Ephemeral)
            {
                var stat = await client.ExistsAsync(path, false, ct).ConfigureAwait(false);
                if (stat is not null && stat.EphemeralOwner == client.SessionId)
                    return path;
                throw;
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes a znode, retrying on connection loss; NoNode after a retry counts as done.</summary>
    public async Task DeleteAsync(IZooKeeperClient client, string path, int version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var attempts = 0;
        await _pipeline.ExecuteAsync(async ct =>
        {
            var retried = attempts++ > 0;
            try
            {
                await client.DeleteAsync(path, version, ct).ConfigureAwait(false);
            }
            catch (NoNodeException) when (retried)
            {
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets data at an expected version (≥ 0), retrying on connection loss; see the class remarks for BadVersion.</summary>
    public async Task<Stat> SetDataAsync(IZooKeeperClient client, string path, ReadOnlyMemory<byte> data, int version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        var attempts = 0;
        return await _pipeline.ExecuteAsync(async ct =>
        {
            var retried = attempts++ > 0;
            try
            {
                return await client.SetDataAsync(path, data, version, ct).ConfigureAwait(false);
            }
            catch (BadVersionException) when (retried)
            {
                var current = await client.GetDataAsync(path, false, ct).ConfigureAwait(false);
                if (current.Stat.Version == version + 1 && current.Data.AsSpan().SequenceEqual(data.Span))
                    return current.Stat;
                throw;
            }
        }, cancellationToken).ConfigureAwait(false);
    }
}
