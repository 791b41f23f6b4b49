using JobLog.ZooKeeper.Watches;
using Xunit;

namespace JobLog.Integration.ZooKeeper;

/// <summary>
/// The watch events one subscriber received, checked against what the server sent: every event must be delivered, or
/// counted by an <see cref="WatchEventType.EventsDropped"/> notice standing in its place whose path is at or above it.
/// </summary>
internal sealed class EventLog
{
    private readonly List<WatchEvent> _events = [];

    public IReadOnlyList<WatchEvent> Events
    {
        get
        {
            lock (_events)
                return [.. _events];
        }
    }

    /// <summary>Events delivered plus events announced as dropped.</summary>
    public int Accounted => Events.Sum(e => e.Type == WatchEventType.EventsDropped ? e.Dropped : 1);

    public void Add(WatchEvent watchEvent)
    {
        lock (_events)
            _events.Add(watchEvent);
    }

    /// <summary>Delivered events are <paramref name="expected"/> in order, with each notice standing exactly where the events it counts were.</summary>
    public void AssertAccountsInOrder(IReadOnlyList<WatchEvent> expected)
    {
        var events = Events;
        var next = 0;
        for (var i = 0; i < events.Count; i++)
        {
            var received = events[i];
            if (received.Type == WatchEventType.EventsDropped)
            {
                AssertWellFormedNotice(events, i);
                for (var k = 0; k < received.Dropped; k++, next++)
                {
                    Assert.True(next < expected.Count, $"Notice {i} counts more events than were sent: {this}");
                    Assert.True(IsAtOrBelow(expected[next].Path, received.Path), $"Notice {i} ({received.Path}) stands for {expected[next]}, which is not under it: {this}");
                }
            }
            else
            {
                Assert.True(next < expected.Count, $"Event {i} ({received}) was never sent: {this}");
                Assert.Equal(expected[next], received);
                next++;
            }
        }

        Assert.True(next == expected.Count, $"{expected.Count - next} events neither delivered nor announced: {this}");
    }

    /// <summary>
    /// For events that may come in any order (some fired again after a reconnect): each of <paramref name="paths"/> is
    /// delivered once as <paramref name="type"/>, or is under a notice, and the notices count exactly the rest.
    /// </summary>
    public void AssertAccountsFor(IReadOnlyCollection<string> paths, WatchEventType type)
    {
        var events = Events;
        var delivered = events.Where(e => e.Type != WatchEventType.EventsDropped).ToList();
        var notices = events.Where(e => e.Type == WatchEventType.EventsDropped).ToList();
        Assert.All(delivered, e => Assert.Equal(type, e.Type));
        Assert.Equal(delivered.Count, delivered.Select(e => e.Path).Distinct().Count());
        Assert.All(delivered, e => Assert.Contains(e.Path, paths));
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i].Type == WatchEventType.EventsDropped)
                AssertWellFormedNotice(events, i);
        }

        var missing = paths.Except(delivered.Select(e => e.Path)).ToList();
        Assert.All(missing, p => Assert.True(notices.Any(n => IsAtOrBelow(p, n.Path)), $"{p} was neither delivered nor under a notice: {this}"));
        Assert.Equal(missing.Count, notices.Sum(n => n.Dropped));
    }

    public override string ToString()
    {
        var events = Events;
        var shown = string.Join(", ", events.Take(40).Select(e => e.Type == WatchEventType.EventsDropped ? $"[{e.Dropped} dropped under {e.Path}]" : $"{e.Type} {e.Path}"));
        return events.Count > 40 ? $"{shown}, ... ({events.Count} in all)" : $"{shown} ({events.Count} in all)";
    }

    private void AssertWellFormedNotice(IReadOnlyList<WatchEvent> events, int index)
    {
        Assert.True(events[index].Dropped > 0, $"Notice {index} counts no event: {this}");
        Assert.False(
            index + 1 < events.Count && events[index + 1].Type == WatchEventType.EventsDropped,
            $"Notices {index} and {index + 1} follow each other: {this}");
    }

    private static bool IsAtOrBelow(string path, string ancestor) =>
        path == ancestor || ancestor == "/" || path.StartsWith(ancestor + "/", StringComparison.Ordinal);
}
