using JobLog.Integration.Fixtures;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using Xunit;
using static JobLog.Integration.ZooKeeper.ZooKeeperTest;

namespace JobLog.Integration.ZooKeeper;

[Collection(ZooKeeperFixture.Collection)]
public sealed class RetryTests(ZooKeeperFixture zookeeper) : ClientTestBase(zookeeper)
{
    private readonly ZooKeeperRetry _retry = new(ZooKeeperRetry.CreatePipeline(maxRetryAttempts: 3, baseDelay: TimeSpan.FromMilliseconds(10)));

    [Fact]
    public async Task A_retried_ephemeral_create_that_already_happened_counts_as_ours()
    {
        var flaky = new FlakyZooKeeperClient(Client);

        var path = await _retry.CreateAsync(flaky, $"{Root}/e", Bytes(""), CreateMode.Ephemeral, null, Timeout());

        Assert.Equal(2, flaky.Calls);
        Assert.Equal(Client.SessionId, (await Client.ExistsAsync(path, false, Timeout()))!.EphemeralOwner);
    }

    [Fact]
    public async Task A_retried_persistent_create_that_finds_a_node_reports_NodeExists()
    {
        var flaky = new FlakyZooKeeperClient(Client);

        await Assert.ThrowsAsync<NodeExistsException>(
            () => _retry.CreateAsync(flaky, $"{Root}/p", Bytes(""), CreateMode.Persistent, null, Timeout()));
    }

    [Fact]
    public async Task A_sequential_create_is_never_retried()
    {
        await Assert.ThrowsAsync<ArgumentException>(
            () => _retry.CreateAsync(Client, $"{Root}/s-", Bytes(""), CreateMode.PersistentSequential, null, Timeout()));
    }

    [Fact]
    public async Task A_retried_delete_that_already_happened_succeeds()
    {
        await Client.CreateAsync($"{Root}/d", Bytes(""), CreateMode.Persistent, null, Timeout());
        var flaky = new FlakyZooKeeperClient(Client);

        await _retry.DeleteAsync(flaky, $"{Root}/d", 0, Timeout());

        Assert.Equal(2, flaky.Calls);
        Assert.Null(await Client.ExistsAsync($"{Root}/d", false, Timeout()));
    }

    [Fact]
    public async Task A_delete_of_a_missing_node_on_the_first_attempt_still_throws_NoNode()
    {
        await Assert.ThrowsAsync<NoNodeException>(() => _retry.DeleteAsync(Client, $"{Root}/never", -1, Timeout()));
    }

    [Fact]
    public async Task A_retried_versioned_set_that_already_happened_returns_its_stat()
    {
        await Client.CreateAsync($"{Root}/v", Bytes("0"), CreateMode.Persistent, null, Timeout());
        var flaky = new FlakyZooKeeperClient(Client);

        var stat = await _retry.SetDataAsync(flaky, $"{Root}/v", Bytes("1"), 0, Timeout());

        Assert.Equal(1, stat.Version);
        Assert.Equal(2, flaky.Calls);
    }

    [Fact]
    public async Task A_retried_versioned_set_that_lost_to_another_writer_throws_BadVersion()
    {
        await Client.CreateAsync($"{Root}/v", Bytes("0"), CreateMode.Persistent, null, Timeout());
        var flaky = new FlakyZooKeeperClient(Client)
        {
            BeforeLosing = () => Client.SetDataAsync($"{Root}/v", Bytes("theirs"), 1, Timeout()),
        };

        await Assert.ThrowsAsync<BadVersionException>(() => _retry.SetDataAsync(flaky, $"{Root}/v", Bytes("mine"), 0, Timeout()));

        Assert.Equal("theirs", Text((await Client.GetDataAsync($"{Root}/v", false, Timeout())).Data));
    }

    [Fact]
    public async Task The_retry_pipeline_is_registered_by_name_for_dependency_injection()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection().AddZooKeeperRetry(maxRetryAttempts: 2, baseDelay: TimeSpan.FromMilliseconds(1));
        await using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
        var retry = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<ZooKeeperRetry>(provider);
        var attempts = 0;

        await Assert.ThrowsAsync<ConnectionLossException>(() => retry.ExecuteIdempotentAsync<int>(
            _ =>
            {
                attempts++;
                throw new ConnectionLossException(null, "test");
            },
            Timeout()));

        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task Reads_are_retried_until_they_succeed()
    {
        var attempts = 0;

        var stat = await _retry.ExecuteIdempotentAsync(
            async ct =>
            {
                if (++attempts < 3)
                    throw new ConnectionLossException(Root, "test");
                return await Client.ExistsAsync(Root, false, ct);
            },
            Timeout());

        Assert.NotNull(stat);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task Errors_other_than_connection_loss_and_timeout_are_not_retried()
    {
        var attempts = 0;

        await Assert.ThrowsAsync<NoNodeException>(() => _retry.ExecuteIdempotentAsync<NodeData>(
            ct =>
            {
                attempts++;
                return Client.GetDataAsync($"{Root}/missing", false, ct);
            },
            Timeout()));

        Assert.Equal(1, attempts);
    }
}
