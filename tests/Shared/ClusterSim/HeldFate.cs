namespace JobLog.Testing.ClusterSim;

/// <summary>What becomes of a crashed node's appends still in flight (the database outlives the process).</summary>
public enum HeldFate
{
    /// <summary>The commit reached the database before the process died: committed, never mirrored by the writer, never acknowledged.</summary>
    Commit,

    /// <summary>The database rolled the transaction back when the connection dropped.</summary>
    RollBack,

    /// <summary>The transaction stays open for now (the database has not noticed yet), holding the feed at its number.</summary>
    Linger,
}
