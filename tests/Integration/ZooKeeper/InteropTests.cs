using JobLog.Integration.Fixtures;
using JobLog.ZooKeeper;
using Xunit;
using static JobLog.Integration.ZooKeeper.ZooKeeperTest;

namespace JobLog.Integration.ZooKeeper;

/// <summary>Our client and ZooKeeper's own command line client see the same data.</summary>
[Collection(ZooKeeperFixture.Collection)]
public sealed class InteropTests(ZooKeeperFixture zookeeper) : IAsyncLifetime
{
    private ZooKeeperClient _client = null!;
    private string _root = null!;

    public async Task InitializeAsync()
    {
        _client = await ConnectAsync(zookeeper.ConnectionString);
        _root = await NewRootAsync(_client);
    }

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [Fact]
    public async Task Nodes_written_by_either_client_read_back_the_same_in_the_other()
    {
        await _client.CreateAsync($"{_root}/ours", Bytes("from dotnet"), CreateMode.Persistent, null, Timeout());

        var cli = await ZkCli.RunAsync(
            zookeeper.ConnectionString,
            [$"get {_root}/ours", $"create {_root}/theirs \"from java\""],
            Timeout());

        Assert.Contains("from dotnet", cli.OutputLines);
        Assert.Equal("from java", Text((await _client.GetDataAsync($"{_root}/theirs", false, Timeout())).Data));
    }
}
