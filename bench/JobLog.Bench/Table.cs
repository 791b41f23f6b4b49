using System.Globalization;

namespace JobLog.Bench;

public static class Table
{
    public static void Print(IReadOnlyList<BenchRow> rows, TextWriter output)
    {
        var notes = rows.SelectMany(r => r.Notes ?? []).Distinct().ToList();
        string[] header = ["suite", "case", "median", "unit", "target", "peer", "peer median", "ratio"];
        var cells = rows.Select(r => new[]
        {
            r.Suite,
            r.Notes is not { Count: > 0 } n ? r.Case : $"{r.Case} [{string.Join(",", n.Select(x => notes.IndexOf(x) + 1))}]",
            Format(r.Median),
            r.Unit,
            r.Target ?? "",
            r.PeerName ?? "",
            r.PeerMedian is { } p ? Format(p) : "",
            r.PeerMedian is { } q && q != 0 && double.IsFinite(q) && double.IsFinite(r.Median)
                ? (r.Median / q).ToString("0.00", CultureInfo.InvariantCulture)
                : "",
        }).ToList();
        var widths = header.Select((h, i) => cells.Select(c => c[i].Length).Append(h.Length).Max()).ToArray();

        output.WriteLine(Line(header, widths));
        output.WriteLine(string.Join("-+-", widths.Select(w => new string('-', w))));
        foreach (var row in cells)
            output.WriteLine(Line(row, widths));
        if (notes.Count > 0)
            output.WriteLine();
        for (var i = 0; i < notes.Count; i++)
            output.WriteLine($"[{i + 1}] {notes[i]}");
    }

    private static string Line(string[] cells, int[] widths) =>
        string.Join(" | ", cells.Select((c, i) => c.PadRight(widths[i])));

    private static string Format(double value) =>
        double.IsNaN(value) ? "n/a"
        : value >= 100 ? value.ToString("N0", CultureInfo.InvariantCulture)
        : value.ToString("0.###", CultureInfo.InvariantCulture);
}
