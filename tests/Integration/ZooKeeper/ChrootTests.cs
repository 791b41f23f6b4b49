using JobLog.Integration.Fixtures;
using JobLog.ZooKeeper;
using Xunit;
using static JobLog.Integration.ZooKeeper.ZooKeeperTest;

namespace JobLog.Integration.ZooKeeper;

[Collection(ZooKeeperFixture.Collection)]
public sealed class ChrootTests(ZooKeeperFixture zookeeper) : IAsyncLifetime
{
    private ZooKeeperClient _plain = null!;
    private ZooKeeperClient _rooted = null!;
    private string _chroot = null!;

    public async Task InitializeAsync()
    {
        _plain = await ConnectAsync(zookeeper.ConnectionString);
        _chroot = await NewRootAsync(_plain, "chroot");
        _rooted = await ConnectAsync(zookeeper.ConnectionString + _chroot);
    }

    public async Task DisposeAsync()
    {
        await _rooted.DisposeAsync();
        await _plain.DisposeAsync();
    }

    [Fact]
    public async Task Paths_are_prefixed_going_in_and_stripped_coming_out()
    {
        var created = await _rooted.CreateAsync("/a", Bytes("in"), CreateMode.Persistent, null, Timeout());
        var sequential = await _rooted.CreateAsync("/s-", Bytes(""), CreateMode.PersistentSequential, null, Timeout());

        Assert.Equal("/a", created);
        Assert.StartsWith("/s-", sequential);
        Assert.Equal("in", Text((await _plain.GetDataAsync($"{_chroot}/a", false, Timeout())).Data));
        Assert.Equal(["a", sequential[1..]], (await _rooted.GetChildrenAsync("/", false, Timeout())).Children.Order());
    }

    [Fact]
    public async Task Watch_event_paths_are_relative_to_the_chroot()
    {
        using var stop = new CancellationTokenSource();
        await using var events = _rooted.WatchEvents(stop.Token).GetAsyncEnumerator(stop.Token);
        await _rooted.AddWatchAsync("/", AddWatchMode.PersistentRecursive, Timeout());

        await _plain.CreateAsync($"{_chroot}/w", Bytes(""), CreateMode.Persistent, null, Timeout());
        await _plain.SetDataAsync(_chroot, Bytes("root changed"), -1, Timeout());

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
        Assert.NotNull(await _plain.ExistsAsync($"{_chroot}/m", false, Timeout()));
    }

    [Fact]
    public async Task A_relative_path_under_a_chroot_is_refused_with_BadArguments()
    {
        await Assert.ThrowsAsync<BadArgumentsException>(() => _rooted.GetDataAsync("relative", false, Timeout()));
    }
}
