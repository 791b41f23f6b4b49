using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace JobLog.ZooKeeper.Client;

/// <summary>Current session state plus a replay-the-current-then-follow stream per subscriber; state changes are rare, so buffers are unbounded.</summary>
internal sealed class SessionStateBroadcaster
{
    private readonly Lock _gate = new();
    private ImmutableArray<ChannelWriter<SessionState>> _subscribers = [];
    private SessionState _state = SessionState.Disconnected;
    private bool _final;

    public SessionState State
    {
        get
        {
            lock (_gate)
                return _state;
        }
    }

    /// <summary>Publishes a state; once a final state is published later ones are ignored, except Closed after it.</summary>
    public bool Publish(SessionState state)
    {
        ImmutableArray<ChannelWriter<SessionState>> subscribers;
        bool final;
        lock (_gate)
        {
            if (_state == state || (_final && (_state == SessionState.Closed || state != SessionState.Closed)))
                return false;
            _state = state;
            final = state is SessionState.Closed;
            _final |= state is SessionState.Expired or SessionState.Closed or SessionState.AuthFailed;
            subscribers = _subscribers;
            if (final)
                _subscribers = [];
        }

        foreach (var subscriber in subscribers)
        {
            subscriber.TryWrite(state);
            if (final)
                subscriber.TryComplete();
        }

        return true;
    }

    public IAsyncEnumerable<SessionState> Subscribe(CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<SessionState>(new UnboundedChannelOptions { SingleReader = true });
        lock (_gate)
        {
            channel.Writer.TryWrite(_state);
            if (_state == SessionState.Closed)
                channel.Writer.TryComplete();
            else
                _subscribers = _subscribers.Add(channel.Writer);
        }

        return Read(channel, cancellationToken);
    }

    private async IAsyncEnumerable<SessionState> Read(Channel<SessionState> channel, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var state in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return state;
        }
        finally
        {
            lock (_gate)
                _subscribers = _subscribers.Remove(channel.Writer);
        }
    }
}
