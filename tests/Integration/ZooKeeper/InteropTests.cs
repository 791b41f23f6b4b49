using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using JobLog.Integration.Fixtures;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Watches;
using Xunit;

namespace JobLog.Integration.ZooKeeper;

/// <summary>Our client and ZooKeeper's own command line client (zkCli) see the same znodes, on a real server.</summary>
[Collection(ZooKeeperFixture.Collection)]
public sealed class InteropTests(ZooKeeperFixture zookeeper) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly CancellationTokenSource _timeout = new(Deadline);
    private readonly string _path = ZooKeeperFixture.UniquePath("interop");
    private ZooKeeperClient _client = null!;

    public async Task InitializeAsync() => _client = await ConnectAsync(_timeout.Token);

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        _timeout.Dispose();
    }

    [Fact]
    public async Task Data_written_by_our_client_is_read_back_by_zkCli()
    {
        await _client.CreateAsync(_path, Encoding.UTF8.GetBytes("created by joblog"), CreateMode.Persistent, null, _timeout.Token);
        var created = await ZkCli.RunAsync(zookeeper.ConnectionString, [$"get {_path}"], _timeout.Token);
        await _client.SetDataAsync(_path, Encoding.UTF8.GetBytes("set by joblog"), -1, _timeout.Token);
        var changed = await ZkCli.RunAsync(zookeeper.ConnectionString, [$"get {_path}"], _timeout.Token);

        Assert.Equal(["created by joblog"], created.OutputLines);
        Assert.Equal(["set by joblog"], changed.OutputLines);
    }

    [Fact]
    public async Task Data_written_by_zkCli_is_read_by_our_client()
    {
        var created = await ZkCli.RunAsync(zookeeper.ConnectionString, [$"create {_path} \"created by zkcli\""], _timeout.Token);
        Assert.True(created.ExitCode == 0, created.StandardError);
        var afterCreate = await _client.GetDataAsync(_path, false, _timeout.Token);
        var set = await ZkCli.RunAsync(zookeeper.ConnectionString, [$"set {_path} \"set by zkcli\""], _timeout.Token);
        Assert.True(set.ExitCode == 0, set.StandardError);
        var afterSet = await _client.GetDataAsync(_path, false, _timeout.Token);

        Assert.Equal("created by zkcli", Encoding.UTF8.GetString(afterCreate.Data));
        Assert.Equal("set by zkcli", Encoding.UTF8.GetString(afterSet.Data));
    }

    [Fact]
    public async Task A_znode_deleted_by_our_client_is_gone_for_zkCli()
    {
        await _client.CreateAsync(_path, Encoding.UTF8.GetBytes("short lived"), CreateMode.Persistent, null, _timeout.Token);

        await _client.DeleteAsync(_path, -1, _timeout.Token);
        var read = await ZkCli.RunAsync(zookeeper.ConnectionString, [$"get {_path}"], _timeout.Token);

        Assert.NotEqual(0, read.ExitCode);
        Assert.Contains($"Node does not exist: {_path}", read.StandardError);
    }

    [Fact]
    public async Task An_ephemeral_node_of_ours_shows_our_session_as_owner_to_zkCli()
    {
        await _client.CreateAsync(_path, Encoding.UTF8.GetBytes("mine"), CreateMode.Ephemeral, null, _timeout.Token);
        var stat = await ZkCli.RunAsync(zookeeper.ConnectionString, [$"stat {_path}"], _timeout.Token);

        Assert.Contains($"ephemeralOwner = 0x{_client.SessionId.ToString("x", CultureInfo.InvariantCulture)}", stat.OutputLines);
    }

    [Fact]
    public async Task A_change_made_with_zkCli_fires_our_one_shot_data_watch()
    {
        var events = Channel.CreateUnbounded<WatchEvent>();
        using var subscription = _client.SubscribeWatchEvents((e, _) => events.Writer.WriteAsync(e, CancellationToken.None));
        await _client.CreateAsync(_path, Encoding.UTF8.GetBytes("before"), CreateMode.Persistent, null, _timeout.Token);
        await _client.GetDataAsync(_path, true, _timeout.Token);

        var set = await ZkCli.RunAsync(zookeeper.ConnectionString, [$"set {_path} after"], _timeout.Token);
        Assert.True(set.ExitCode == 0, set.StandardError);

        var fired = await NextEventAsync(events.Reader, e => e.Path == _path, $"a watch event on {_path}", _timeout.Token);
        Assert.Equal(new WatchEvent(WatchEventType.NodeDataChanged, _path), fired);
        Assert.Equal("after", Encoding.UTF8.GetString((await _client.GetDataAsync(_path, false, _timeout.Token)).Data));
    }

    [Fact]
    public async Task Nodes_created_changed_and_deleted_with_zkCli_fire_our_persistent_recursive_watch()
    {
        var events = Channel.CreateUnbounded<WatchEvent>();
        using var subscription = _client.SubscribeWatchEvents((e, _) => events.Writer.WriteAsync(e, CancellationToken.None));
        await _client.CreateAsync(_path, ReadOnlyMemory<byte>.Empty, CreateMode.Persistent, null, _timeout.Token);
        await _client.AddWatchAsync(_path, AddWatchMode.PersistentRecursive, _timeout.Token);

        var cli = await ZkCli.RunAsync(
            zookeeper.ConnectionString,
            [$"create {_path}/a one", $"create {_path}/a/b two", $"set {_path}/a/b three", $"delete {_path}/a/b"],
            _timeout.Token);
        Assert.DoesNotContain("Exception", cli.StandardError);

        WatchEvent[] expected =
        [
            new(WatchEventType.NodeCreated, $"{_path}/a"),
            new(WatchEventType.NodeCreated, $"{_path}/a/b"),
            new(WatchEventType.NodeDataChanged, $"{_path}/a/b"),
            new(WatchEventType.NodeDeleted, $"{_path}/a/b"),
        ];
        var received = new List<WatchEvent>();
        foreach (var _ in expected)
            received.Add(await NextEventAsync(events.Reader, e => e.Path.StartsWith(_path, StringComparison.Ordinal), $"{expected.Length} events under {_path}, got {received.Count}", _timeout.Token));
        Assert.Equal(expected, received);
    }

    /// <summary>The next event matching <paramref name="match"/>, within the tests' patience; others are skipped.</summary>
    private static async Task<WatchEvent> NextEventAsync(ChannelReader<WatchEvent> events, Func<WatchEvent, bool> match, string what, CancellationToken ct)
    {
        var within = ZooKeeperTest.Patience;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(within);
        var clock = Stopwatch.StartNew();
        try
        {
            while (true)
            {
                var next = await events.ReadAsync(deadline.Token);
                if (match(next))
                    return next;
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"Not true after {within} ({clock.Elapsed}): {what}");
        }
    }

    private Task<ZooKeeperClient> ConnectAsync(CancellationToken ct) =>
        ZooKeeperClient.ConnectAsync(
            ZooKeeperTest.Options(zookeeper.ConnectionString),
            ct);
}
