namespace JobLog.Properties;

/// <summary>A call to <see cref="Occurrences.Next"/> and a larger call that must extend it.</summary>
public sealed record OccurrenceQuery(History History, DateTimeOffset After, int Count, int More)
{
    public override string ToString() =>
        $"{History}{Environment.NewLine}Next(after {After:yyyy-MM-ddTHH:mm:ss.fffZ}, {Count}) then {Count + More}";
}
