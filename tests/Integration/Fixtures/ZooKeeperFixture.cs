using Xunit;

namespace JobLog.Integration.Fixtures;

/// <summary>One standalone ZooKeeper shared by the tests of <see cref="Collection"/>; each test works under its own znode root.</summary>
public sealed class ZooKeeperFixture : IAsyncLifetime
{
    public const string Collection = "zookeeper";

    private ZooKeeperServer? _server;

    public ZooKeeperServer Server => _server ?? throw new InvalidOperationException("The ZooKeeper fixture is not initialized.");

    public string ConnectionString => Server.ConnectionString;

    /// <summary>A znode path no other test uses (not created), e.g. /interop-3f2a...</summary>
    public static string UniquePath(string prefix) => $"/{prefix}-{Guid.NewGuid().ToString("N")[..12]}";

    public async Task InitializeAsync() =>
        _server = await ZooKeeperServer.StartAsync(null, CancellationToken.None);

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }
}
