namespace JobLog.Properties;

/// <summary>
/// A history and the choices that pick, at each position, which stream delivers its next event.
/// The choices are reused cyclically so they stay meaningful when the history shrinks.
/// </summary>
public sealed record Interleaving(History History, IReadOnlyList<int> Picks)
{
    /// <summary>The events of <see cref="History"/> reordered across streams, each stream still in its own order.</summary>
    public IReadOnlyList<RecordedEvent> Events()
    {
        var streams = History.Events.GroupBy(e => e.Job).Select(g => new Queue<RecordedEvent>(g)).ToList();
        var result = new List<RecordedEvent>(History.Events.Count);
        while (streams.Count > 0)
        {
            var pick = Picks.Count == 0 ? 0 : Picks[result.Count % Picks.Count];
            var stream = streams[(int)((uint)pick % (uint)streams.Count)];
            result.Add(stream.Dequeue());
            if (stream.Count == 0)
                streams.Remove(stream);
        }
        return result;
    }

    public override string ToString() =>
        $"{History}{Environment.NewLine}delivered as:{Environment.NewLine}{string.Join(Environment.NewLine, Events().Select(History.Line))}";
}
