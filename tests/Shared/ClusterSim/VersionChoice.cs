namespace JobLog.Testing.ClusterSim;

/// <summary>Which expected version a client sends with a write.</summary>
public enum VersionChoice
{
    /// <summary>The job's version in the store now: a client that has just read it.</summary>
    Latest,

    /// <summary>The version in the receiving node's schedule: a client that read it from that node, which may lag.</summary>
    NodeView,

    /// <summary>One behind the store's version: a client that missed the last change.</summary>
    Stale,
}
