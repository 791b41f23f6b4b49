namespace JobLog.ZooKeeper.Client;

/// <summary>The operations a multi may carry.</summary>
public enum MultiOpKind
{
    Create,
    Delete,
    SetData,
    Check,
}
