using System.Diagnostics;
using JobLog.Model;

namespace JobLog.Dispatch.Leader;

/// <summary>
/// For the fault tests only (<see cref="DispatchOptions.CrashAt"/>): the leader kills its own process (SIGKILL, as
/// <c>kill -9</c> would) at a named step of dispatching an occurrence of a named job, once per step across all nodes that
/// share the marker directory. Off unless configured; no deployment should configure it.
/// </summary>
public sealed class CrashPoints(DispatchOptions options)
{
    /// <summary>The steps of one occurrence, in order: computed as due, claimed, attempt begun (not yet sent), answered (not yet recorded), recorded.</summary>
    public static readonly IReadOnlyList<string> Steps = ["computed", "claimed", "begun", "answered", "recorded"];

    private readonly IReadOnlyDictionary<string, string> _jobByStep = Parse(options.CrashAt);

    public void Reached(string step, JobId job)
    {
        if (_jobByStep.Count == 0 || !_jobByStep.TryGetValue(step, out var target) || target != job.Value)
            return;
        var marker = Path.Combine(options.CrashMarkers ?? Path.GetTempPath(), $"joblog-crash-{step}-{job.Value}");
        try
        {
            using (File.Open(marker, FileMode.CreateNew))
            {
            }
        }
        catch (IOException)
        {
            return; // this step crashed a node already
        }
        Process.GetCurrentProcess().Kill();
    }

    private static Dictionary<string, string> Parse(string? text) =>
        (text ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(pair => pair.Split(':', 2))
            .Where(parts => parts.Length == 2 && Steps.Contains(parts[0]))
            .ToDictionary(parts => parts[0], parts => parts[1]);
}
