using Xunit;

namespace JobLog.Integration.Cluster;

/// <summary>The cluster tests run one after another: they restart the servers they share, and each runs three node processes.</summary>
[CollectionDefinition(ClusterServers.Collection)]
public sealed class ClusterCollection : ICollectionFixture<ClusterServers>;
