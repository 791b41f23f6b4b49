using System.Runtime.CompilerServices;
using System.Threading.Channels;
using JobLog.ZooKeeper.Client;

namespace JobLog.Testing.ZooKeeperModel;

/// <summary>
/// A client's session state and its subscribers, with the real client's rules: a subscriber gets the current state
/// first, then every change; Expired and AuthFailed are final except that Closed may follow them; Closed ends every stream.
/// Callers hold the model's lock.
/// </summary>
internal sealed class StateBroadcast(SessionState initial)
{
    private readonly List<Channel<SessionState>> _subscribers = [];
    private bool _final;

    public SessionState Current { get; private set; } = initial;

    public void Publish(SessionState state)
    {
        if (Current == state || (_final && (Current == SessionState.Closed || state != SessionState.Closed)))
            return;
        Current = state;
        _final |= state is SessionState.Expired or SessionState.Closed or SessionState.AuthFailed;
        foreach (var subscriber in _subscribers)
        {
            subscriber.Writer.TryWrite(state);
            if (state == SessionState.Closed)
                subscriber.Writer.TryComplete();
        }

        if (state == SessionState.Closed)
            _subscribers.Clear();
    }

    public IAsyncEnumerable<SessionState> Subscribe(Lock gate, CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<SessionState>(new UnboundedChannelOptions { SingleReader = true });
        channel.Writer.TryWrite(Current);
        if (Current == SessionState.Closed)
            channel.Writer.TryComplete();
        else
            _subscribers.Add(channel);
        return Read(gate, channel, cancellationToken);
    }

    private async IAsyncEnumerable<SessionState> Read(Lock gate, Channel<SessionState> channel, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var state in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return state;
        }
        finally
        {
            lock (gate)
                _subscribers.Remove(channel);
        }
    }
}
