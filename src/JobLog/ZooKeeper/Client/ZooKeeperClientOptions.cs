using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace JobLog.ZooKeeper.Client;

/// <summary>Settings for <see cref="ZooKeeperClient"/>.</summary>
/// <param name="ConnectionString"><c>host:port[,host:port...][/chroot]</c>.</param>
public sealed record ZooKeeperClientOptions(string ConnectionString)
{
    /// <summary>Session timeout asked of the server; the server clamps it to its own bounds.</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Deadline of every request, counted from the call; past it the call throws <see cref="Errors.OperationTimeoutException"/>.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long <see cref="ZooKeeperClient.ConnectAsync"/> keeps trying the servers before it gives up.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How many watch events each subscriber's buffer holds (one buffer per <see cref="ZooKeeperClient.WatchEvents"/>
    /// stream or <see cref="ZooKeeperClient.SubscribeWatchEvents"/> handler). The socket reader never waits for a
    /// subscriber: when a subscriber's buffer is full, the events after it are dropped for that subscriber alone and it
    /// gets one <see cref="Watches.WatchEventType.EventsDropped"/> event in their place. Memory is bounded by this many events
    /// per subscriber; size it above the largest burst a subscriber must take without a resynchronisation.
    /// </summary>
    public int WatchQueueCapacity { get; init; } = 1024;

    /// <summary>An existing session to join (id and password from <see cref="ZooKeeperClient.SessionPassword"/>); 0 starts a new one.</summary>
    public long SessionId { get; init; }

    /// <summary>Password of <see cref="SessionId"/>; ignored for a new session.</summary>
    public ReadOnlyMemory<byte> SessionPassword { get; init; }

    /// <summary>
    /// Where the client reports what it handles without a caller to tell: session state changes, failed connection
    /// attempts, connections that end (with the reason) and watch handlers that throw. Default: nowhere.
    /// </summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>
    /// The clock of every deadline and timer: request deadlines, connect and handshake timeouts, pings and the read
    /// timeout that spots a dead server, the backoff between connection attempts, and the waits of closing.
    /// </summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
