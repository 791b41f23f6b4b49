using JobLog.Model;

namespace JobLog.Cluster;

/// <summary>Where the cluster keeps what in ZooKeeper, under one root.</summary>
public sealed class ClusterPaths
{
    public ClusterPaths(string root)
    {
        Root = root;
        var prefix = root == "/" ? "" : root;
        Jobs = $"{prefix}/jobs";
        Nodes = $"{prefix}/nodes";
        Leader = $"{prefix}/leader";
        Mirror = $"{prefix}/mirror";
        _jobPrefix = Jobs + "/";
    }

    private readonly string _jobPrefix;

    public string Root { get; }

    /// <summary>Persistent; one child per job, holding its latest event and state.</summary>
    public string Jobs { get; }

    /// <summary>Ephemeral children: the members.</summary>
    public string Nodes { get; }

    /// <summary>Ephemeral-sequential children: the leader election.</summary>
    public string Leader { get; }

    /// <summary>Persistent: how far the store's feed is known to be mirrored.</summary>
    public string Mirror { get; }

    public string Job(JobId job) => _jobPrefix + job.Value;

    /// <summary>The job a znode path under <see cref="Jobs"/> stands for; false for any other path.</summary>
    public bool TryParseJob(string path, out JobId job)
    {
        job = default;
        return path.StartsWith(_jobPrefix, StringComparison.Ordinal) && JobId.TryParse(path[_jobPrefix.Length..], out job, out _);
    }
}
