namespace JobLog.Bench;

/// <summary>One line of the printed table: a measured median, optionally beside a peer measured in the same run.</summary>
public sealed record BenchRow(
    string Suite,
    string Case,
    string Unit,
    double Median,
    string? Target = null,
    string? PeerName = null,
    double? PeerMedian = null);
