using JobLog.ZooKeeper.Client;

namespace JobLog.Integration.ZooKeeper.Contract;

/// <summary>Records a client's session state stream in the background, so no transient state is missed.</summary>
internal sealed class StateLog : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<SessionState> _seen = [];
    private readonly Task _reading;

    public StateLog(IZooKeeperClient client)
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

    /// <summary>Waits until the recorded states are exactly <paramref name="expected"/> (and fails at once if they pass it).</summary>
    public Task ShowsAsync(IReadOnlyList<SessionState> expected, TimeSpan within) => ShowsAsync(expected, within, reconnectsAllowed: false);

    /// <summary>
    /// Like <see cref="ShowsAsync(IReadOnlyList{SessionState}, TimeSpan)"/>, but a Disconnected that the client recovered from
    /// (Disconnected then Connected) does not count: expiring a session from outside takes its connection away from the
    /// owner, which may win it back once or twice before the server gives up the session.
    /// </summary>
    public Task ShowsThroughReconnectsAsync(IReadOnlyList<SessionState> expected, TimeSpan within) => ShowsAsync(expected, within, reconnectsAllowed: true);

    private Task ShowsAsync(IReadOnlyList<SessionState> expected, TimeSpan within, bool reconnectsAllowed) =>
        Eventually(
            () =>
            {
                var seen = reconnectsAllowed ? WithoutRecoveredDisconnects(Seen) : Seen;
                if (seen.Count > expected.Count || !seen.SequenceEqual(expected.Take(seen.Count)))
                    throw new InvalidOperationException($"States went [{string.Join(", ", seen)}], expected [{string.Join(", ", expected)}]");
                return seen.Count == expected.Count;
            },
            within,
            () => $"states [{string.Join(", ", expected)}]; seen [{string.Join(", ", Seen)}]");

    private static List<SessionState> WithoutRecoveredDisconnects(IReadOnlyList<SessionState> states)
    {
        var kept = new List<SessionState>(states.Count);
        foreach (var state in states)
        {
            if (state == SessionState.Connected && kept.Count >= 2 && kept[^1] == SessionState.Disconnected && kept[^2] == SessionState.Connected)
                kept.RemoveAt(kept.Count - 1);
            else
                kept.Add(state);
        }
        return kept;
    }

    /// <summary>True once the stream has ended (after Closed).</summary>
    public bool Ended => _reading.IsCompleted;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reading;
        _stop.Dispose();
    }
}
