namespace JobLog.Bench;

/// <summary>A group of measurements. Each suite starts and stops whatever servers it needs.</summary>
public interface IBenchSuite
{
    string Name { get; }

    Task<IReadOnlyList<BenchRow>> RunAsync(BenchOptions options, CancellationToken ct);
}
