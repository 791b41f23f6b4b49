namespace JobLog.Properties.Node;

/// <summary>
/// A node that loaded the first <see cref="Loaded"/> events of a history, then caught up on the rest, while the
/// store's feed never showed the events numbered in <see cref="Hidden"/>.
/// </summary>
public sealed record MissedFeed(History History, int Loaded, IReadOnlySet<long> Hidden)
{
    public override string ToString() =>
        $"{History}{Environment.NewLine}loaded: first {Loaded}; hidden from the feed: #{string.Join(", #", Hidden.Order())}";
}
