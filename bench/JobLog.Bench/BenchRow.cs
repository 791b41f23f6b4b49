namespace JobLog.Bench;

/// <summary>One line of the printed table: a measured median, optionally beside a peer measured in the same run.</summary>
/// <param name="Median">NaN when nothing was measured (printed n/a; the note says why).</param>
/// <param name="Notes">Each printed once below the table and referred to by number from every row that carries it.</param>
public sealed record BenchRow(
    string Suite,
    string Case,
    string Unit,
    double Median,
    string? Target = null,
    string? PeerName = null,
    double? PeerMedian = null,
    IReadOnlyList<string>? Notes = null);
