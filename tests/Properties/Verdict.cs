using System.Text;

namespace JobLog.Properties;

/// <summary>Collects the broken expectations of one case so a failure names all of them, not just the first.</summary>
public sealed class Verdict
{
    private readonly List<string> _failures = [];

    public void Expect(bool ok, Func<string> what)
    {
        if (!ok)
            _failures.Add(what());
    }

    public void SameBytes(Schedule expected, Schedule actual, string what)
    {
        var a = ScheduleSerializer.ToCanonicalJson(expected);
        var b = ScheduleSerializer.ToCanonicalJson(actual);
        if (!a.AsSpan().SequenceEqual(b))
            _failures.Add($"{what}:{Environment.NewLine}  expected {Encoding.UTF8.GetString(a)}{Environment.NewLine}  actual   {Encoding.UTF8.GetString(b)}");
    }

    public Property ToProperty() =>
        (_failures.Count == 0).Label(string.Join(Environment.NewLine, _failures.Take(5)));
}
