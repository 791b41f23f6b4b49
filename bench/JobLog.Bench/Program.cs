using System.Globalization;
using JobLog.Bench;

var options = new BenchOptions(
    Runs: ReadInt("--runs", 5),
    Quick: args.Contains("--quick"),
    WorkDirectory: Path.Combine(Path.GetTempPath(), $"joblog-bench-{Environment.ProcessId}"),
    Peers: !args.Contains("--no-peer"),
    Workload: ReadString("--workload"));
var only = ReadString("--suite");

IBenchSuite[] suites = [new FoldBench(), new ApiBench(), new StartupBench(), new ZooKeeperBench(), new ClusterBench(), new DispatchBench()];
var rows = new List<BenchRow>();
foreach (var suite in suites.Where(s => only is null || s.Name.Equals(only, StringComparison.OrdinalIgnoreCase)))
{
    Console.Error.WriteLine($"running {suite.Name} ...");
    rows.AddRange(await suite.RunAsync(options, CancellationToken.None));
}

Table.Print(rows, Console.Out);
return 0;

int ReadInt(string name, int fallback) =>
    ReadString(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

string? ReadString(string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}
