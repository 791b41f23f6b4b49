namespace JobLog.Properties;

/// <summary>A node that has applied the first <see cref="Prefix"/> events of a history and then receives more.</summary>
public sealed record Redelivery(History History, int Prefix, int Ahead)
{
    public override string ToString() => $"{History}{Environment.NewLine}applied: first {Prefix}; gap ahead by {Ahead}";
}
