using Xunit;

namespace JobLog.Integration.Fixtures;

[CollectionDefinition(PostgresFixture.Collection)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>;
