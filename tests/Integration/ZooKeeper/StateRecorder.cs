using JobLog.ZooKeeper.Client;

namespace JobLog.Integration.ZooKeeper;

/// <summary>Records a client's session state stream in the background, so transient states are not missed.</summary>
internal sealed class StateRecorder : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<SessionState> _seen = [];
    private readonly Task _reading;

    public StateRecorder(ZooKeeperClient client)
    {
        var states = client.SessionStates(_stop.Token);
        _reading = Task.Run(async () =>
        {
            try
            {
                await foreach (var state in states)
                {
                    lock (_seen)
                        _seen.Add(state);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    public IReadOnlyList<SessionState> Seen
    {
        get
        {
            lock (_seen)
                return [.. _seen];
        }
    }

    /// <summary>Waits until <paramref name="state"/> was seen after the first <paramref name="after"/> recorded states.</summary>
    public Task WaitForAsync(SessionState state, TimeSpan within, int after = 0) =>
        Eventually(() => Seen.Skip(after).Contains(state), within, () => $"state {state} after {after} others (seen: {string.Join(", ", Seen)})");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reading;
        _stop.Dispose();
    }
}
