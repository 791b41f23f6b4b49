using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;

namespace JobLog.Cluster;

public static class ClusterLayout
{
    /// <summary>Creates the root and its persistent children where they are missing; safe for many nodes at once.</summary>
    public static async Task EnsureAsync(IZooKeeperClient client, ClusterPaths paths, CancellationToken cancellationToken)
    {
        var prefix = "";
        foreach (var part in paths.Root.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            prefix += "/" + part;
            await CreateIfMissingAsync(client, prefix, [], cancellationToken);
        }
        await CreateIfMissingAsync(client, paths.Jobs, [], cancellationToken);
        await CreateIfMissingAsync(client, paths.Nodes, [], cancellationToken);
        await CreateIfMissingAsync(client, paths.Leader, [], cancellationToken);
        await CreateIfMissingAsync(client, paths.Mirror, new MirrorPosition(0).Encode(), cancellationToken);
    }

    private static async Task CreateIfMissingAsync(IZooKeeperClient client, string path, byte[] data, CancellationToken cancellationToken)
    {
        if (await client.ExistsAsync(path, false, cancellationToken) is not null)
            return;
        try
        {
            await client.CreateAsync(path, data, CreateMode.Persistent, null, cancellationToken);
        }
        catch (NodeExistsException)
        {
            // Another node made it between the check and the create.
        }
    }
}
