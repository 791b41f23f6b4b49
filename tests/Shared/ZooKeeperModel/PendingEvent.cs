using System.Collections.Immutable;
using System.Threading.Channels;
using JobLog.ZooKeeper.Watches;

namespace JobLog.Testing.ZooKeeperModel;

/// <summary>
/// A notification queued for one client. <see cref="Audience"/> is null while it is still on the wire; once the client
/// has read it (a later reply came, or the test delivered it) it holds the subscribers it was handed to, as the real
/// client hands an event to the subscribers present when its reader reads the frame.
/// </summary>
internal sealed class PendingEvent(WatchEvent watchEvent)
{
    public WatchEvent Event { get; } = watchEvent;

    public ImmutableArray<Channel<WatchEvent>>? Audience { get; set; }

    public bool Received => Audience is not null;
}
