using System.Collections.Concurrent;
using System.Globalization;
using JobLog.Node;

namespace JobLog.Bench;

/// <summary>
/// Turns the lines nodes print with <c>JobLog:Diagnostics:TraceApplied</c> into completed waits: "node X applied version
/// V of job J at monotonic time T". A wait is registered before the write it waits for, so no line can come first.
/// </summary>
public sealed class AppliedWaits
{
    private readonly ConcurrentDictionary<(string Node, string Job, long Version), TaskCompletionSource<long>> _waits = new();

    /// <summary>Completes with the <see cref="System.Diagnostics.Stopwatch"/> timestamp at which <paramref name="node"/> applies that version.</summary>
    public Task<long> Expect(string node, string job, long version) =>
        _waits.GetOrAdd((node, job, version), _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Report(string node, string job, long version, long timestamp)
    {
        if (_waits.TryRemove((node, job, version), out var wait))
            wait.TrySetResult(timestamp);
    }

    /// <summary>A line consumer for one node's output: takes the trace lines, leaves the rest.</summary>
    public Func<string, bool> ReaderFor(string node) => line =>
    {
        if (!line.StartsWith(AppliedTrace.Prefix + " ", StringComparison.Ordinal))
            return false;
        var parts = line.Split(' ');
        if (parts.Length == 5)
        {
            Report(node, parts[1], long.Parse(parts[2], CultureInfo.InvariantCulture), long.Parse(parts[4], CultureInfo.InvariantCulture));
        }
        return true;
    };
}
