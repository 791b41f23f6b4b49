namespace JobLog.Bench;

/// <param name="Runs">How many repetitions each median is taken over.</param>
/// <param name="Quick">Smaller sizes, for a smoke run of the bench itself.</param>
/// <param name="WorkDirectory">Where suites put server data; removed by the suite that made it.</param>
public sealed record BenchOptions(int Runs, bool Quick, string WorkDirectory);
