namespace JobLog.Node;

/// <summary>How this node stands with ZooKeeper, the source of other nodes' changes within milliseconds.</summary>
public enum ZooKeeperLink
{
    /// <summary>No ZooKeeper is configured: the node learns other nodes' changes by tailing the store.</summary>
    NotConfigured,

    /// <summary>Configured, no session yet.</summary>
    Connecting,

    Connected,

    /// <summary>The session lives but the connection is lost; the node tails the store meanwhile.</summary>
    Disconnected,

    /// <summary>The server ended the session; a new one is being made.</summary>
    Expired,
}
