using System.Globalization;

namespace JobLog.Bench;

public static class Table
{
    public static void Print(IReadOnlyList<BenchRow> rows, TextWriter output)
    {
        string[] header = ["suite", "case", "median", "unit", "target", "peer", "peer median", "ratio"];
        var cells = rows.Select(r => new[]
        {
            r.Suite,
            r.Case,
            Format(r.Median),
            r.Unit,
            r.Target ?? "",
            r.PeerName ?? "",
            r.PeerMedian is { } p ? Format(p) : "",
            r.PeerMedian is { } q && q != 0 ? (r.Median / q).ToString("0.00", CultureInfo.InvariantCulture) : "",
        }).ToList();
        var widths = header.Select((h, i) => cells.Select(c => c[i].Length).Append(h.Length).Max()).ToArray();

        output.WriteLine(Line(header, widths));
        output.WriteLine(string.Join("-+-", widths.Select(w => new string('-', w))));
        foreach (var row in cells)
            output.WriteLine(Line(row, widths));
    }

    private static string Line(string[] cells, int[] widths) =>
        string.Join(" | ", cells.Select((c, i) => c.PadRight(widths[i])));

    private static string Format(double value) =>
        value >= 100 ? value.ToString("N0", CultureInfo.InvariantCulture) : value.ToString("0.###", CultureInfo.InvariantCulture);
}
