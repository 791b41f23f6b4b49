namespace JobLog.Properties.Isolation;

/// <summary>Definitions checked together in one fresh process, and the zone ids the test process looks up first.</summary>
public sealed record IsolationBatch(IReadOnlyList<IsolationCase> Cases)
{
    /// <summary>Other spellings of the batch's zones: looking them up fills .NET's case-insensitive zone cache.</summary>
    public IEnumerable<string> Warm =>
        Cases.Select(c => c.Zone).Distinct().SelectMany(zone => new[] { zone, zone.ToUpperInvariant() });

    public override string ToString() => Environment.NewLine + string.Join(Environment.NewLine, Cases);
}
