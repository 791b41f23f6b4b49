using Xunit;

namespace JobLog.Integration.Fixtures;

[CollectionDefinition(ZooKeeperFixture.Collection)]
public sealed class ZooKeeperCollection : ICollectionFixture<ZooKeeperFixture>;
