namespace JobLog.Testing.ClusterSim;

/// <summary>
/// Every moment the cluster was looked at, which nodes believed they led and with which epoch. It holds when no epoch was
/// ever led by two nodes and each node's epochs only grew. Strict (the simulated cluster, where a node hears of its
/// connection's loss before anything else happens): also never two leaders at one moment, and a later leader never has
/// a smaller epoch than an earlier one. A real cluster only promises the first two, since a deposed leader may hear of
/// its loss after its successor was elected: that is what the epoch is for.
/// </summary>
public sealed class LeadershipLog(bool strict)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, string> _leaderOf = [];
    private readonly Dictionary<string, long> _lastEpochOf = [];
    private readonly List<string> _violations = [];
    private readonly HashSet<string> _seen = [];
    private long _highest;

    public IReadOnlyList<string> Violations
    {
        get
        {
            lock (_gate)
                return [.. _violations];
        }
    }

    /// <summary>Records the nodes that believe they lead at one moment, with their epochs.</summary>
    public void Observe(IReadOnlyCollection<(string Node, long Epoch)> leaders, string when)
    {
        lock (_gate)
        {
            if (strict && leaders.Count > 1)
                Violation(when, $"{leaders.Count} nodes believed they led at once: {string.Join(", ", leaders.Select(l => $"{l.Node} (epoch {l.Epoch})"))}");
            foreach (var (node, epoch) in leaders)
            {
                if (_leaderOf.TryGetValue(epoch, out var other) && other != node)
                    Violation(when, $"{node} led with epoch {epoch}, which {other} had led with");
                _leaderOf.TryAdd(epoch, node);
                if (_lastEpochOf.TryGetValue(node, out var last) && epoch < last)
                    Violation(when, $"{node} led with epoch {epoch} after leading with epoch {last}");
                _lastEpochOf[node] = epoch;
                if (strict && epoch < _highest)
                    Violation(when, $"{node} led with epoch {epoch} after epoch {_highest} had led");
                _highest = Math.Max(_highest, epoch);
            }
        }
    }

    // Each broken rule once, at the first moment it was seen.
    private void Violation(string when, string what)
    {
        if (_seen.Add(what))
            _violations.Add($"{when}: {what}");
    }
}
