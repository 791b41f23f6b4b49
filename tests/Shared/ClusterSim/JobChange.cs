namespace JobLog.Testing.ClusterSim;

/// <summary>What a client asks a node to do to a job.</summary>
public enum JobChange
{
    Add,
    Update,
    Pause,
    Resume,
    Delete,
    Restore,
}
