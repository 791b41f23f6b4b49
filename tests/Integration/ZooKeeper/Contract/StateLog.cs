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
    public Task ShowsAsync(IReadOnlyList<SessionState> expected, TimeSpan within) =>
        Eventually(
            () =>
            {
                var seen = Seen;
                if (seen.Count > expected.Count || !seen.SequenceEqual(expected.Take(seen.Count)))
                    throw new InvalidOperationException($"States went [{string.Join(", ", seen)}], expected [{string.Join(", ", expected)}]");
                return seen.Count == expected.Count;
            },
            within,
            () => $"states [{string.Join(", ", expected)}]; seen [{string.Join(", ", Seen)}]");

    /// <summary>True once the stream has ended (after Closed).</summary>
    public bool Ended => _reading.IsCompleted;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reading;
        _stop.Dispose();
    }
}
