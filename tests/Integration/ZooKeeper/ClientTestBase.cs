using JobLog.Integration.Fixtures;
using JobLog.ZooKeeper.Client;
using Xunit;
using static JobLog.Integration.ZooKeeper.ZooKeeperTest;

namespace JobLog.Integration.ZooKeeper;

/// <summary>
/// A client connected to the collection's server and a fresh persistent root for each test, so tests in a class
/// never see each other's znodes. The client is closed after the test.
/// </summary>
public abstract class ClientTestBase(ZooKeeperFixture zookeeper, string rootPrefix = "t") : IAsyncLifetime
{
    protected ZooKeeperFixture Fixture { get; } = zookeeper;

    protected ZooKeeperClient Client { get; private set; } = null!;

    protected string Root { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Client = await ConnectAsync(Fixture.ConnectionString);
        Root = await NewRootAsync(Client, rootPrefix);
    }

    public virtual async Task DisposeAsync() => await Client.DisposeAsync();
}
