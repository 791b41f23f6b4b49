using JobLog.ZooKeeper.Client;

namespace JobLog.Cluster;

/// <summary>The ZooKeeper session this node currently works through; null while there is none (not configured, connecting, expired).</summary>
public sealed class ClusterClient
{
    private volatile IZooKeeperClient? _current;

    public IZooKeeperClient? Current => _current;

    /// <summary>The session when its connection is up; calls through a disconnected one would only wait for their deadline.</summary>
    public IZooKeeperClient? Connected => _current is { State: SessionState.Connected } client ? client : null;

    internal void Set(IZooKeeperClient? client) => _current = client;
}
