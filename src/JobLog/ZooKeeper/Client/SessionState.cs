namespace JobLog.ZooKeeper.Client;

/// <summary>State of a client's session. Expired, Closed and AuthFailed are final.</summary>
public enum SessionState
{
    Connected,
    Disconnected,
    Expired,
    Closed,
    AuthFailed,
}
