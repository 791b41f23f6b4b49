using System.Text;

namespace JobLog.Testing.ClusterSim;

/// <summary>What a cluster run broke, by property; empty when every property held.</summary>
public sealed class ClusterVerdict
{
    public const string Converged = "every live node's schedule is the fold of the store";
    public const string Acknowledged = "every acknowledged write is in the store and in every live node's schedule";
    public const string InOrder = "no node applies a job's versions out of order";
    public const string Leadership = "at most one node leads per epoch and epochs only grow";
    public const string Mirrored = "at rest, every job's znode holds its latest version (data version = stream version - 1)";
    public const string Quiesced = "the cluster quiesces with every live node connected and one leader";
    public const string Steps = "no step fails but with a ZooKeeper connection or session error";

    private readonly List<(string Property, string Failure)> _failures = [];

    public bool Holds => _failures.Count == 0;

    public IEnumerable<string> Broken => _failures.Select(f => f.Property).Distinct();

    public void Add(string property, string failure) => _failures.Add((property, failure));

    public void AddAll(string property, IEnumerable<string> failures)
    {
        foreach (var failure in failures)
            Add(property, failure);
    }

    public override string ToString()
    {
        if (Holds)
            return "every property held";
        var text = new StringBuilder();
        foreach (var group in _failures.GroupBy(f => f.Property))
        {
            text.AppendLine($"BROKEN: {group.Key}");
            foreach (var (_, failure) in group.Take(6))
                text.AppendLine($"  - {failure}");
            if (group.Count() > 6)
                text.AppendLine($"  ... and {group.Count() - 6} more");
        }
        return text.ToString();
    }
}
