using JobLog.Integration.Fixtures;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using JobLog.ZooKeeper.Watches;
using Xunit;
using static JobLog.Integration.ZooKeeper.ZooKeeperTest;

namespace JobLog.Integration.ZooKeeper;

[Collection(ZooKeeperFixture.Collection)]
public sealed class ChrootTests(ZooKeeperFixture zookeeper) : ClientTestBase(zookeeper, "chroot")
{
    private ZooKeeperClient _rooted = null!;

    /// <summary>Sees the whole tree, to check where the rooted client's paths really land.</summary>
    private ZooKeeperClient Plain => Client;

    private string Chroot => Root;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _rooted = await ConnectAsync(Fixture.ConnectionString + Chroot);
    }

    public override async Task DisposeAsync()
    {
        await _rooted.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task Paths_are_prefixed_going_in_and_stripped_coming_out()
    {
        var created = await _rooted.CreateAsync("/a", Bytes("in"), CreateMode.Persistent, null, Timeout());
        var sequential = await _rooted.CreateAsync("/s-", Bytes(""), CreateMode.PersistentSequential, null, Timeout());

        Assert.Equal("/a", created);
        Assert.StartsWith("/s-", sequential);
        Assert.Equal("in", Text((await Plain.GetDataAsync($"{Chroot}/a", false, Timeout())).Data));
        Assert.Equal(["a", sequential[1..]], (await _rooted.GetChildrenAsync("/", false, Timeout())).Children.Order());
    }

    [Fact]
    public async Task Watch_event_paths_are_relative_to_the_chroot()
    {
        using var stop = new CancellationTokenSource();
        await using var events = _rooted.WatchEvents(stop.Token).GetAsyncEnumerator(stop.Token);
        await _rooted.AddWatchAsync("/", AddWatchMode.PersistentRecursive, Timeout());

        await Plain.CreateAsync($"{Chroot}/w", Bytes(""), CreateMode.Persistent, null, Timeout());
        await Plain.SetDataAsync(Chroot, Bytes("root changed"), -1, Timeout());

        Assert.Equal(
            [new WatchEvent(WatchEventType.NodeCreated, "/w"), new WatchEvent(WatchEventType.NodeDataChanged, "/")],
            await TakeAsync(events, 2, Patience));
        await stop.CancelAsync();
    }

    [Fact]
    public async Task Multi_results_are_relative_to_the_chroot()
    {
        var result = await _rooted.MultiAsync([MultiOp.Create("/m", Bytes("")), MultiOp.SetData("/m", Bytes("1"))], Timeout());

        Assert.Equal("/m", result.Results[0].Path);
        Assert.NotNull(await Plain.ExistsAsync($"{Chroot}/m", false, Timeout()));
    }

    [Fact]
    public async Task A_relative_path_under_a_chroot_is_refused_with_BadArguments()
    {
        await Assert.ThrowsAsync<BadArgumentsException>(() => _rooted.GetDataAsync("relative", false, Timeout()));
    }
}
