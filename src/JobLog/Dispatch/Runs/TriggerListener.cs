using Microsoft.Extensions.Logging;
using Npgsql;
using Polly;
using Polly.Retry;

namespace JobLog.Dispatch.Runs;

/// <summary>
/// Listens for trigger requests on a connection of its own, started by the first wait. A wait returns when a request
/// of this schema was notified since the previous wait returned, and also whenever a notification may have been missed
/// (the listener (re)connected, or lost its connection): the caller then reads the pending triggers, so a wait may
/// return early but never sleeps through a request it could have seen.
/// </summary>
internal sealed partial class TriggerListener(NpgsqlDataSource dataSource, string schema, ILogger logger) : IAsyncDisposable
{
    /// <summary>How long the connection may stay silent before a round trip checks that it is still alive.</summary>
    private static readonly TimeSpan Liveness = TimeSpan.FromSeconds(15);

    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();

    // Reconnects for as long as the store lives; each failure wakes the waiters (see the class comment).
    private readonly ResiliencePipeline _reconnect = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(100),
            MaxDelay = TimeSpan.FromSeconds(5),
        })
        .Build();

    private TaskCompletionSource _signal = NewSignal();
    private long _generation;
    private long _seen;
    private Task? _listening;
    private bool _disposed;

    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        Task signal;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _listening ??= Task.Run(ListenAsync);
            if (_generation != _seen)
            {
                _seen = _generation;
                return;
            }
            signal = _signal.Task;
        }
        await signal.WaitAsync(cancellationToken);
        lock (_gate)
            _seen = _generation;
    }

    public async ValueTask DisposeAsync()
    {
        Task? listening;
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            listening = _listening;
        }
        await _stopping.CancelAsync();
        if (listening is not null)
            await listening;
        Signal();
        _stopping.Dispose();
    }

    private async Task ListenAsync()
    {
        try
        {
            await _reconnect.ExecuteAsync(ListenOnceAsync, _stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private async ValueTask ListenOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            connection.Notification += OnNotification;
            await using (var listen = new NpgsqlCommand($"listen {RunStoreSchema.TriggerChannel}", connection))
                await listen.ExecuteNonQueryAsync(cancellationToken);
            // Requests made before the LISTEN took effect were notified to nobody.
            Signal();
            while (true)
            {
                if (await connection.WaitAsync(Liveness, cancellationToken))
                    continue;
                await using var ping = new NpgsqlCommand("select 1", connection);
                await ping.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogListenerLost(logger, schema, e);
            // While it reconnects, notifications go nowhere: the waiters fall back to reading the pending triggers.
            Signal();
            throw;
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs notification)
    {
        if (notification.Channel == RunStoreSchema.TriggerChannel && notification.Payload == schema)
            Signal();
    }

    private void Signal()
    {
        TaskCompletionSource fired;
        lock (_gate)
        {
            _generation++;
            fired = _signal;
            _signal = NewSignal();
        }
        fired.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Trigger listener of schema {Schema} lost its connection; reconnecting")]
    private static partial void LogListenerLost(ILogger logger, string schema, Exception exception);
}
