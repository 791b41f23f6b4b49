using JobLog.Node;
using JobLog.Telemetry;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Watches;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobLog.Cluster;

/// <summary>
/// Runs the node's ZooKeeper session: connects (again and again while ZooKeeper is away), hands the session to the
/// <see cref="ClusterAgent"/>, feeds it every watch event and connection change in order, ticks it, and after an expiry
/// starts a new session. Without a configured connection string the node runs alone and this does nothing.
/// </summary>
/// <param name="connect">
/// Opens a session with the given options; <see cref="ZooKeeperClient.ConnectAsync"/> unless a test that runs several
/// nodes in one process needs to stand between a node and its sessions (e.g. to kill the node in the middle of a call).
/// </param>
public sealed partial class ZooKeeperSession(
    ClusterAgent agent,
    SyncStatus status,
    IOptions<ClusterOptions> options,
    IOptions<ClusterTestHooks> hooks,
    TimeProvider clock,
    ILoggerFactory loggers,
    ILogger<ZooKeeperSession> logger,
    Func<ZooKeeperClientOptions, CancellationToken, Task<IZooKeeperClient>>? connect = null) : BackgroundService
{
    private readonly ClusterOptions _options = options.Value;
    private readonly Func<ZooKeeperClientOptions, CancellationToken, Task<IZooKeeperClient>> _connect =
        connect ?? (async (clientOptions, cancellationToken) => await ZooKeeperClient.ConnectAsync(clientOptions, cancellationToken));

    private bool _attachedBefore;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.IsConfigured)
        {
            LogAlone(logger);
            return;
        }
        status.SetZooKeeper(ZooKeeperLink.Connecting);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunSessionAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogSessionFailed(logger, e.Message, e);
                await DelayAsync(_options.RetryDelay, stoppingToken);
            }
        }
    }

    private async Task RunSessionAsync(CancellationToken stoppingToken)
    {
        await using var session = await _connect(
            new ZooKeeperClientOptions(_options.ConnectionString!)
            {
                SessionTimeout = _options.SessionTimeout,
                RequestTimeout = _options.RequestTimeout,
                ConnectTimeout = _options.SessionTimeout,
                Logger = loggers.CreateLogger<ZooKeeperClient>(),
                TimeProvider = clock,
            },
            stoppingToken);
        using var sessionEnd = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        // Subscribed before anything is watched, so no event of this session is missed.
        var events = session.WatchEvents(sessionEnd.Token);
        var states = session.SessionStates(sessionEnd.Token);
        try
        {
            await agent.AttachAsync(session, sessionEnd.Token);
            if (_attachedBefore)
                CountReconnect("new_session");
            _attachedBefore = true;
            await WriteSessionFileAsync(session, sessionEnd.Token);
            var pumps = new[]
            {
                PumpEventsAsync(events, sessionEnd.Token),
                PumpStatesAsync(states, sessionEnd.Token),
                TickAsync(sessionEnd.Token),
            };
            // The state pump ends when the session does; the others end with it.
            await Task.WhenAny(pumps);
            await sessionEnd.CancelAsync();
            await Task.WhenAll(pumps).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        finally
        {
            agent.OnSessionEnded(stoppingToken.IsCancellationRequested ? ZooKeeperLink.Disconnected : ZooKeeperLink.Expired);
        }
    }

    /// <summary>For the fault tests (<see cref="ClusterTestHooks.SessionFile"/>): replaced whole, so a reader never sees half of it.</summary>
    private async Task WriteSessionFileAsync(IZooKeeperClient session, CancellationToken cancellationToken)
    {
        // Only our client knows its session's password; a session a test's connect seam wrapped gets no file.
        if (hooks.Value.SessionFile is not { Length: > 0 } file || session is not ZooKeeperClient client)
            return;
        var text = $"{client.SessionId:x}\n{Convert.ToBase64String(client.SessionPassword.Span)}\n";
        var temporary = file + ".tmp";
        await File.WriteAllTextAsync(temporary, text, cancellationToken);
        File.Move(temporary, file, overwrite: true);
    }

    private async Task PumpEventsAsync(IAsyncEnumerable<WatchEvent> events, CancellationToken cancellationToken)
    {
        await foreach (var watchEvent in events.WithCancellation(cancellationToken))
        {
            try
            {
                await agent.HandleAsync(watchEvent, cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // A notification that could not be applied is repaired from the store.
                LogEventFailed(logger, watchEvent.Type, watchEvent.Path, e.Message, e);
                await ResyncQuietlyAsync(cancellationToken);
            }
        }
    }

    private async Task PumpStatesAsync(IAsyncEnumerable<SessionState> states, CancellationToken cancellationToken)
    {
        var disconnected = false;
        await foreach (var state in states.WithCancellation(cancellationToken))
        {
            switch (state)
            {
                case SessionState.Disconnected:
                    disconnected = true;
                    agent.OnDisconnected();
                    LogDisconnected(logger);
                    break;
                case SessionState.Connected when disconnected:
                    disconnected = false;
                    CountReconnect("same_session");
                    LogReconnected(logger);
                    try
                    {
                        await agent.OnReconnectedAsync(cancellationToken);
                    }
                    catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                    {
                        LogEventFailed(logger, WatchEventType.EventsDropped, "/", e.Message, e);
                    }
                    break;
                case SessionState.Expired or SessionState.Closed or SessionState.AuthFailed:
                    LogSessionEnded(logger, state);
                    return;
            }
        }
    }

    private static void CountReconnect(string kind) =>
        JobLogTelemetry.ZooKeeperReconnects.Add(1, new KeyValuePair<string, object?>(JobLogTelemetry.ReconnectKindAttribute, kind));

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.TickInterval, clock);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            try
            {
                await agent.TickAsync(cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                LogTickFailed(logger, e.Message, e);
            }
        }
    }

    private async Task ResyncQuietlyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await agent.ResyncAsync(cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogTickFailed(logger, e.Message, e);
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, clock, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No ZooKeeper configured (JOBLOG_ZOOKEEPER): this node runs alone and learns other nodes' changes from the store")]
    private static partial void LogAlone(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ZooKeeper session failed: {Reason}; trying again")]
    private static partial void LogSessionFailed(ILogger logger, string reason, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handling {EventType} on {Path} failed: {Reason}; catching up from the store")]
    private static partial void LogEventFailed(ILogger logger, WatchEventType eventType, string path, string reason, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The cluster step failed: {Reason}")]
    private static partial void LogTickFailed(ILogger logger, string reason, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Disconnected from ZooKeeper; the store is tailed meanwhile")]
    private static partial void LogDisconnected(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconnected to ZooKeeper with the same session; catching up from the store")]
    private static partial void LogReconnected(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ZooKeeper session ended ({State}); starting a new one")]
    private static partial void LogSessionEnded(ILogger logger, SessionState state);
}
