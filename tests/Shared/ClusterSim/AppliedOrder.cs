using JobLog.Model;

namespace JobLog.Testing.ClusterSim;

/// <summary>
/// Watches one node's schedule through <see cref="JobLog.Node.ScheduleHolder.AppliedObserver"/>: each job's versions must be
/// applied one after the other, 1, 2, 3, never skipping or going back.
/// </summary>
public sealed class AppliedOrder(string node)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<JobId, long> _last = [];
    private readonly List<string> _violations = [];

    public IReadOnlyList<string> Violations
    {
        get
        {
            lock (_gate)
                return [.. _violations];
        }
    }

    public void Observe(RecordedEvent recorded)
    {
        lock (_gate)
        {
            var last = _last.GetValueOrDefault(recorded.Job);
            if (recorded.Version != last + 1)
                _violations.Add($"{node} applied job {recorded.Job} version {recorded.Version} right after version {last}");
            _last[recorded.Job] = recorded.Version;
        }
    }
}
