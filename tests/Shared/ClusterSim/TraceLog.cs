using Microsoft.Extensions.Logging;

namespace JobLog.Testing.ClusterSim;

/// <summary>
/// What the components of a cluster run logged, one line each with the node and the step it happened in: printed with a
/// failing run, so a counterexample comes with the story of what each node did.
/// </summary>
public sealed class TraceLog
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];

    /// <summary>Where the run is now (e.g. "op 12"), put before every line logged from now on.</summary>
    public string Step { get; set; } = "start";

    public void Add(string line)
    {
        lock (_gate)
            _lines.Add($"[{Step}] {line}");
    }

    /// <summary>A logger factory for one node's components; Information and above are kept.</summary>
    public ILoggerFactory For(string node) => new NodeLoggers(this, node);

    /// <summary>The last <paramref name="count"/> lines.</summary>
    public string Tail(int count)
    {
        lock (_gate)
            return string.Join(Environment.NewLine, _lines.Skip(Math.Max(0, _lines.Count - count)));
    }

    private sealed class NodeLoggers(TraceLog trace, string node) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => new Line(trace, $"{node} {categoryName[(categoryName.LastIndexOf('.') + 1)..]}");

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }
    }

    private sealed class Line(TraceLog trace, string source) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                trace.Add($"{source}: {formatter(state, exception)}");
        }
    }
}
