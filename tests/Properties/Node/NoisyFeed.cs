namespace JobLog.Properties.Node;

/// <summary>
/// A history committed to a store whose global sequence also holds <see cref="Noise"/> (one entry per event; missing
/// entries are <see cref="FeedNoise.None"/>), with a node that loads after the first <see cref="Loaded"/> events.
/// </summary>
public sealed record NoisyFeed(History History, IReadOnlyList<FeedNoise> Noise, int Loaded)
{
    public FeedNoise NoiseAt(int index) => index < Noise.Count ? Noise[index] : FeedNoise.None;

    public override string ToString() =>
        $"{History}{Environment.NewLine}noise: {string.Join(", ", Noise.Take(History.Events.Count))}; loaded after {Loaded}";
}
