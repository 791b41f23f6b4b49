using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using JobLog.Integration.Fixtures;
using JobLog.ZooKeeper;
using Xunit;

namespace JobLog.Integration.ZooKeeper;

/// <summary>Our client and ZooKeeper's own command line client (zkCli) see the same znodes, on a real server.</summary>
[Collection(ZooKeeperFixture.Collection)]
public sealed class InteropTests(ZooKeeperFixture zookeeper)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Data_written_by_our_client_is_read_back_by_zkCli()
    {
        using var timeout = new CancellationTokenSource(Deadline);
        var path = ZooKeeperFixture.UniquePath("interop");
        await using var client = await ConnectAsync(timeout.Token);

        await client.CreateAsync(path, Encoding.UTF8.GetBytes("created by joblog"), CreateMode.Persistent, null, timeout.Token);
        var created = await ZkCli.RunAsync(zookeeper.ConnectionString, [$"get {path}"], timeout.Token);
        await client.SetDataAsync(path, Encoding.UTF8.GetBytes("set by joblog"), -1, timeout.Token);
        var changed = await ZkCli.RunAsync(zookeeper.ConnectionString, [$"get {path}"], timeout.Token);

        Assert.Equal(["created by joblog"], created.OutputLines);
        Assert.Equal(["set by joblog"], changed.OutputLines);
    }

    [Fact]
    public async Task Data_written_by_zkCli_is_read_by_our_client()
    {
        using var timeout = new CancellationTokenSource(Deadline);
        var path = ZooKeeperFixture.UniquePath("interop");
        await using var client = await ConnectAsync(timeout.Token);

        var created = await ZkCli.RunAsync(zookeeper.ConnectionString, [$"create {path} \"created by zkcli\""], timeout.Token);
        Assert.True(created.ExitCode == 0, created.StandardError);
        var afterCreate = await client.GetDataAsync(path, false, timeout.Token);
        var set = await ZkCli.RunAsync(zookeeper.ConnectionString, [$"set {path} \"set by zkcli\""], timeout.Token);
        Assert.True(set.ExitCode == 0, set.StandardError);
        var afterSet = await client.GetDataAsync(path, false, timeout.Token);

        Assert.Equal("created by zkcli", Encoding.UTF8.GetString(afterCreate.Data));
        Assert.Equal("set by zkcli", Encoding.UTF8.GetString(afterSet.Data));
    }

    [Fact]
    public async Task A_znode_deleted_by_our_client_is_gone_for_zkCli()
    {
        using var timeout = new CancellationTokenSource(Deadline);
        var path = ZooKeeperFixture.UniquePath("interop");
        await using var client = await ConnectAsync(timeout.Token);
        await client.CreateAsync(path, Encoding.UTF8.GetBytes("short lived"), CreateMode.Persistent, null, timeout.Token);

        await client.DeleteAsync(path, -1, timeout.Token);
        var read = await ZkCli.RunAsync(zookeeper.ConnectionString, [$"get {path}"], timeout.Token);

        Assert.NotEqual(0, read.ExitCode);
        Assert.Contains($"Node does not exist: {path}", read.StandardError);
    }

    [Fact]
    public async Task An_ephemeral_node_of_ours_shows_our_session_as_owner_to_zkCli()
    {
        using var timeout = new CancellationTokenSource(Deadline);
        var path = ZooKeeperFixture.UniquePath("interop");
        await using var client = await ConnectAsync(timeout.Token);

        await client.CreateAsync(path, Encoding.UTF8.GetBytes("mine"), CreateMode.Ephemeral, null, timeout.Token);
        var stat = await ZkCli.RunAsync(zookeeper.ConnectionString, [$"stat {path}"], timeout.Token);

        Assert.Contains($"ephemeralOwner = 0x{client.SessionId.ToString("x", CultureInfo.InvariantCulture)}", stat.OutputLines);
    }

    [Fact]
    public async Task A_change_made_with_zkCli_fires_our_one_shot_data_watch()
    {
        using var timeout = new CancellationTokenSource(Deadline);
        var path = ZooKeeperFixture.UniquePath("interop");
        await using var client = await ConnectAsync(timeout.Token);
        var events = Channel.CreateUnbounded<WatchEvent>();
        using var subscription = client.SubscribeWatchEvents((e, _) => events.Writer.WriteAsync(e, CancellationToken.None));
        await client.CreateAsync(path, Encoding.UTF8.GetBytes("before"), CreateMode.Persistent, null, timeout.Token);
        await client.GetDataAsync(path, true, timeout.Token);

        var set = await ZkCli.RunAsync(zookeeper.ConnectionString, [$"set {path} after"], timeout.Token);
        Assert.True(set.ExitCode == 0, set.StandardError);

        var fired = await NextEventAsync(events.Reader, e => e.Path == path, $"a watch event on {path}", timeout.Token);
        Assert.Equal(new WatchEvent(WatchEventType.NodeDataChanged, path), fired);
        Assert.Equal("after", Encoding.UTF8.GetString((await client.GetDataAsync(path, false, timeout.Token)).Data));
    }

    [Fact]
    public async Task Nodes_created_changed_and_deleted_with_zkCli_fire_our_persistent_recursive_watch()
    {
        using var timeout = new CancellationTokenSource(Deadline);
        var root = ZooKeeperFixture.UniquePath("interop");
        await using var client = await ConnectAsync(timeout.Token);
        var events = Channel.CreateUnbounded<WatchEvent>();
        using var subscription = client.SubscribeWatchEvents((e, _) => events.Writer.WriteAsync(e, CancellationToken.None));
        await client.CreateAsync(root, ReadOnlyMemory<byte>.Empty, CreateMode.Persistent, null, timeout.Token);
        await client.AddWatchAsync(root, AddWatchMode.PersistentRecursive, timeout.Token);

        var cli = await ZkCli.RunAsync(
            zookeeper.ConnectionString,
            [$"create {root}/a one", $"create {root}/a/b two", $"set {root}/a/b three", $"delete {root}/a/b"],
            timeout.Token);
        Assert.DoesNotContain("Exception", cli.StandardError);

        WatchEvent[] expected =
        [
            new(WatchEventType.NodeCreated, $"{root}/a"),
            new(WatchEventType.NodeCreated, $"{root}/a/b"),
            new(WatchEventType.NodeDataChanged, $"{root}/a/b"),
            new(WatchEventType.NodeDeleted, $"{root}/a/b"),
        ];
        var received = new List<WatchEvent>();
        foreach (var _ in expected)
            received.Add(await NextEventAsync(events.Reader, e => e.Path.StartsWith(root, StringComparison.Ordinal), $"{expected.Length} events under {root}, got {received.Count}", timeout.Token));
        Assert.Equal(expected, received);
    }

    /// <summary>The next event matching <paramref name="match"/>, within 10 s; others are skipped.</summary>
    private static async Task<WatchEvent> NextEventAsync(ChannelReader<WatchEvent> events, Func<WatchEvent, bool> match, string what, CancellationToken ct)
    {
        var within = TimeSpan.FromSeconds(10);
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
            new ZooKeeperClientOptions(zookeeper.ConnectionString)
            {
                SessionTimeout = TimeSpan.FromSeconds(10),
                RequestTimeout = TimeSpan.FromSeconds(10),
            },
            ct);
}
