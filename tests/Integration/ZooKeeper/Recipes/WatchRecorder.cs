using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Watches;
using static JobLog.Integration.ZooKeeper.ZooKeeperTest;

namespace JobLog.Integration.ZooKeeper.Recipes;

/// <summary>
/// Keeps every watch event a client receives, in order, and hands them on only when the test says: the test plays the
/// owner a passive recipe needs, so it decides when each event reaches the recipe.
/// </summary>
internal sealed class WatchRecorder : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly EventLog _events = new();
    private readonly Task _recording;
    private int _handedOn;

    public WatchRecorder(IZooKeeperClient client)
    {
        // Subscribed here, before the test arms any watch.
        var events = client.WatchEvents(_stop.Token);
        _recording = Task.Run(async () =>
        {
            try
            {
                await foreach (var watchEvent in events)
                    _events.Add(watchEvent);
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    public IReadOnlyList<WatchEvent> Events => _events.Events;

    public Task WaitForAsync(WatchEventType type, string path) =>
        Eventually(() => Events.Contains(new WatchEvent(type, path)), Patience, () => $"{type} {path} received (got: {_events})");

    /// <summary>Hands every event not handed on yet to <paramref name="handler"/>, in order, and returns what it answered.</summary>
    public async Task<List<T>> HandOnAsync<T>(Func<WatchEvent, CancellationToken, Task<T>> handler)
    {
        var answers = new List<T>();
        var events = Events;
        for (; _handedOn < events.Count; _handedOn++)
            answers.Add(await handler(events[_handedOn], Timeout()));
        return answers;
    }

    public override string ToString() => _events.ToString();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _recording;
        _stop.Dispose();
    }
}
