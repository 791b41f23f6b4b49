namespace JobLog.Bench;

/// <param name="Runs">How many repetitions each median is taken over.</param>
/// <param name="Quick">Smaller sizes, for a smoke run of the bench itself.</param>
/// <param name="WorkDirectory">Where suites put server data; removed by the suite that made it.</param>
/// <param name="Peers">Whether suites that compare with a peer (Quartz.NET, the polling and relisting peers) run it too.</param>
/// <param name="Workload">A suite's workload to run alone (the dispatch suite: <c>minute</c> or <c>second</c>); null: all.</param>
public sealed record BenchOptions(int Runs, bool Quick, string WorkDirectory, bool Peers = true, string? Workload = null);
