using System.Text;
using JobLog.Integration.Fixtures;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using JobLog.ZooKeeper.Watches;
using Xunit;

namespace JobLog.Integration.ZooKeeper.Contract;

/// <summary>
/// What JobLog relies on from ZooKeeper through <see cref="IZooKeeperClient"/>, written once and run against two
/// subjects: a real server (<see cref="ServerContractTests"/>) and the in-memory model the property tests use
/// (<see cref="ModelContractTests"/>). Both must pass, which is what makes the model faithful. A subject provides
/// sessions and the faults below; each test works under a fresh root made by <see cref="Client"/>.
/// </summary>
/// <remarks>
/// A test that says no other event came proves it with a marker: an exists watch on a fresh path, then its creation;
/// the marker's NodeCreated must be the next event, so nothing came between (the server sends in zxid order).
/// </remarks>
public abstract class ZooKeeperContract : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];

    /// <summary>The test's first session; it made <see cref="Root"/>.</summary>
    protected IZooKeeperClient Client { get; private set; } = null!;

    protected string Root { get; private set; } = null!;

    /// <summary>How long a test waits for an event or a state; a subject's events come at once or never, a server's soon.</summary>
    protected abstract TimeSpan Patience { get; }

    /// <summary>Opens a new session, connected; with <paramref name="chroot"/> as a connection string's chroot.</summary>
    protected abstract Task<IZooKeeperClient> OpenAsync(string? chroot);

    /// <summary>Drops the client's connection (the session lives on); returns once the client is Disconnected.</summary>
    protected abstract Task DropConnectionAsync(IZooKeeperClient client);

    /// <summary>Lets a dropped client reconnect; returns once it is Connected again, or Expired if its session ended meanwhile.</summary>
    protected abstract Task RestoreConnectionAsync(IZooKeeperClient client);

    /// <summary>
    /// Ends the client's session on the server from outside; returns once the server has done it and, if the client was
    /// connected, once the client is Expired. A disconnected client stays Disconnected until it reconnects.
    /// </summary>
    protected abstract Task ExpireSessionAsync(IZooKeeperClient client);

    /// <summary>Hands the client's pending notifications to its subscribers (the model waits to be told; a server does not).</summary>
    protected abstract void Deliver(IZooKeeperClient client);

    public virtual async Task InitializeAsync()
    {
        Client = await ConnectAsync();
        Root = ZooKeeperFixture.UniquePath("contract");
        await Client.CreateAsync(Root, Bytes(""), CreateMode.Persistent, null, Timeout());
    }

    public virtual async Task DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
            await _owned[i].DisposeAsync();
    }

    protected async Task<IZooKeeperClient> ConnectAsync(string? chroot = null)
    {
        var client = await OpenAsync(chroot);
        _owned.Add(client);
        return client;
    }

    /// <summary>A subscriber to <paramref name="client"/>'s events, subscribed now; disposed after the test.</summary>
    private protected EventReader Events(IZooKeeperClient client)
    {
        var reader = new EventReader(client, () => Deliver(client), Patience);
        _owned.Add(reader);
        return reader;
    }

    /// <summary>A recorder of <paramref name="client"/>'s states, from now; disposed after the test.</summary>
    private protected StateLog States(IZooKeeperClient client)
    {
        var log = new StateLog(client);
        _owned.Add(log);
        return log;
    }

    /// <summary>Arms an exists watch for <paramref name="watcher"/> on a fresh path and creates it; returns the event that must come next.</summary>
    protected async Task<WatchEvent> MarkerAsync(IZooKeeperClient watcher)
    {
        var path = $"{Root}/marker-{Guid.NewGuid():N}";
        Assert.Null(await watcher.ExistsAsync(path, true, Timeout()));
        await Client.CreateAsync(path, Bytes(""), CreateMode.Persistent, null, Timeout());
        return new WatchEvent(WatchEventType.NodeCreated, path);
    }

    protected static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    protected static string Text(byte[] data) => Encoding.UTF8.GetString(data);

    protected static WatchEvent Created(string path) => new(WatchEventType.NodeCreated, path);

    protected static WatchEvent Deleted(string path) => new(WatchEventType.NodeDeleted, path);

    protected static WatchEvent Changed(string path) => new(WatchEventType.NodeDataChanged, path);

    protected static WatchEvent ChildrenChanged(string path) => new(WatchEventType.NodeChildrenChanged, path);

    protected Task<string> CreateAsync(string path, string data = "", CreateMode mode = CreateMode.Persistent) =>
        Client.CreateAsync(path, Bytes(data), mode, null, Timeout());

    protected async Task<Stat> StatAsync(string path) =>
        await Client.ExistsAsync(path, false, Timeout()) ?? throw new InvalidOperationException($"{path} does not exist");

    // ---- Create, read, write, delete ----

    [Fact]
    public async Task A_create_returns_the_path_and_a_read_returns_the_data_with_a_fresh_stat()
    {
        var path = await CreateAsync($"{Root}/a", "hello");

        var node = await Client.GetDataAsync(path, false, Timeout());

        Assert.Equal($"{Root}/a", path);
        Assert.Equal("hello", Text(node.Data));
        var stat = node.Stat;
        Assert.Equal((0, 0, 0, 0L, 5, 0), (stat.Version, stat.Cversion, stat.Aversion, stat.EphemeralOwner, stat.DataLength, stat.NumChildren));
        Assert.True(stat.Czxid > 0, $"czxid {stat.Czxid}");
        Assert.Equal(stat.Czxid, stat.Mzxid);
        Assert.Equal(stat.Czxid, stat.Pzxid);
        Assert.Equal(stat.Ctime, stat.Mtime);
    }

    [Fact]
    public async Task Create2_returns_the_stat_a_read_returns()
    {
        var created = await Client.Create2Async($"{Root}/a", Bytes("xy"), CreateMode.Persistent, null, null, Timeout());

        Assert.Equal($"{Root}/a", created.Path);
        Assert.Equal(await StatAsync(created.Path), created.Stat);
    }

    [Fact]
    public async Task Creating_a_child_counts_a_child_change_on_the_parent_and_moves_its_pzxid()
    {
        var before = await StatAsync(Root);

        var child = await Client.Create2Async($"{Root}/c", Bytes(""), CreateMode.Persistent, null, null, Timeout());

        var after = await StatAsync(Root);
        Assert.Equal(before.Cversion + 1, after.Cversion);
        Assert.Equal(before.NumChildren + 1, after.NumChildren);
        Assert.Equal(child.Stat.Czxid, after.Pzxid);
        Assert.Equal((before.Version, before.Mzxid, before.Mtime), (after.Version, after.Mzxid, after.Mtime));
    }

    [Fact]
    public async Task Deleting_a_child_counts_a_child_change_on_the_parent_and_moves_its_pzxid()
    {
        await CreateAsync($"{Root}/c");
        var before = await StatAsync(Root);

        await Client.DeleteAsync($"{Root}/c", -1, Timeout());

        var after = await StatAsync(Root);
        Assert.Equal(before.Cversion + 1, after.Cversion);
        Assert.Equal(before.NumChildren - 1, after.NumChildren);
        Assert.True(after.Pzxid > before.Pzxid, $"pzxid {before.Pzxid} -> {after.Pzxid}");
        Assert.Equal((before.Version, before.Mzxid), (after.Version, after.Mzxid));
    }

    [Fact]
    public async Task Setting_data_bumps_version_mzxid_and_mtime_and_leaves_the_parent_alone()
    {
        var created = await Client.Create2Async($"{Root}/a", Bytes("1"), CreateMode.Persistent, null, null, Timeout());
        var parentBefore = await StatAsync(Root);

        var first = await Client.SetDataAsync($"{Root}/a", Bytes("22"), 0, Timeout());
        var second = await Client.SetDataAsync($"{Root}/a", Bytes("333"), 1, Timeout());

        Assert.Equal((1, 2), (first.Version, second.Version));
        Assert.Equal((created.Stat.Czxid, created.Stat.Ctime, created.Stat.Pzxid), (second.Czxid, second.Ctime, second.Pzxid));
        Assert.True(created.Stat.Mzxid < first.Mzxid && first.Mzxid < second.Mzxid, $"mzxid {created.Stat.Mzxid}, {first.Mzxid}, {second.Mzxid}");
        Assert.True(second.Mtime >= second.Ctime);
        Assert.Equal(3, second.DataLength);
        Assert.Equal(second, await StatAsync($"{Root}/a"));
        Assert.Equal(parentBefore, await StatAsync(Root));
    }

    [Fact]
    public async Task Set_data_at_a_stale_version_throws_BadVersion_naming_the_path_and_changes_nothing()
    {
        await CreateAsync($"{Root}/a", "1");
        var stat = await Client.SetDataAsync($"{Root}/a", Bytes("2"), 0, Timeout());

        var error = await Assert.ThrowsAsync<BadVersionException>(() => Client.SetDataAsync($"{Root}/a", Bytes("stale"), 0, Timeout()));

        Assert.Equal((ErrorCode.BadVersion, $"{Root}/a"), (error.Code, error.Path));
        var node = await Client.GetDataAsync($"{Root}/a", false, Timeout());
        Assert.Equal(("2", stat), (Text(node.Data), node.Stat));
    }

    [Fact]
    public async Task Set_data_with_version_minus_one_matches_any_version()
    {
        await CreateAsync($"{Root}/a", "1");
        await Client.SetDataAsync($"{Root}/a", Bytes("2"), 0, Timeout());

        var stat = await Client.SetDataAsync($"{Root}/a", Bytes("3"), -1, Timeout());

        Assert.Equal(2, stat.Version);
    }

    [Fact]
    public async Task Reading_writing_or_listing_a_missing_node_throws_NoNode_naming_it()
    {
        var missing = $"{Root}/missing";

        var errors = new ZooKeeperException[]
        {
            await Assert.ThrowsAsync<NoNodeException>(() => Client.GetDataAsync(missing, false, Timeout())),
            await Assert.ThrowsAsync<NoNodeException>(() => Client.SetDataAsync(missing, Bytes("1"), -1, Timeout())),
            await Assert.ThrowsAsync<NoNodeException>(() => Client.GetChildrenAsync(missing, false, Timeout())),
            await Assert.ThrowsAsync<NoNodeException>(() => Client.DeleteAsync(missing, -1, Timeout())),
            await Assert.ThrowsAsync<NoNodeException>(() => Client.CreateAsync($"{missing}/child", Bytes(""), CreateMode.Persistent, null, Timeout())),
        };

        Assert.Equal([missing, missing, missing, missing, $"{missing}/child"], errors.Select(e => e.Path));
        Assert.Null(await Client.ExistsAsync(missing, false, Timeout()));
    }

    [Fact]
    public async Task Creating_an_existing_node_throws_NodeExists_and_keeps_its_data()
    {
        await CreateAsync($"{Root}/a", "1");

        var error = await Assert.ThrowsAsync<NodeExistsException>(() => CreateAsync($"{Root}/a", "2"));

        Assert.Equal($"{Root}/a", error.Path);
        Assert.Equal("1", Text((await Client.GetDataAsync($"{Root}/a", false, Timeout())).Data));
        await Assert.ThrowsAsync<NodeExistsException>(() => CreateAsync("/"));
    }

    [Fact]
    public async Task Nothing_can_be_created_under_an_ephemeral()
    {
        await CreateAsync($"{Root}/e", mode: CreateMode.Ephemeral);

        foreach (var mode in new[] { CreateMode.Persistent, CreateMode.Ephemeral, CreateMode.PersistentSequential, CreateMode.EphemeralSequential })
            await Assert.ThrowsAsync<NoChildrenForEphemeralsException>(() => CreateAsync($"{Root}/e/child", mode: mode));

        Assert.Equal(0, (await StatAsync($"{Root}/e")).NumChildren);
    }

    [Fact]
    public async Task A_create_needs_an_acl_the_server_can_check()
    {
        await Assert.ThrowsAsync<InvalidAclException>(() => Client.CreateAsync($"{Root}/a", Bytes(""), CreateMode.Persistent, [], Timeout()));
        await Assert.ThrowsAsync<InvalidAclException>(() => Client.CreateAsync($"{Root}/a", Bytes(""), CreateMode.Persistent, Acl.CreatorAll, Timeout()));
        await Assert.ThrowsAsync<InvalidAclException>(() => Client.CreateAsync($"{Root}/a", Bytes(""), CreateMode.Persistent, [new Acl(Permissions.All, "world", "someone")], Timeout()));
        Assert.Null(await Client.ExistsAsync($"{Root}/a", false, Timeout()));

        await Client.AddAuthAsync("digest", Bytes("alice:secret"), Timeout());
        await Client.CreateAsync($"{Root}/a", Bytes(""), CreateMode.Persistent, Acl.CreatorAll, Timeout());
        await Client.CreateAsync($"{Root}/b", Bytes(""), CreateMode.Persistent, [Acl.Digest("bob", "pw", Permissions.Read), .. Acl.Open], Timeout());

        Assert.NotNull(await Client.ExistsAsync($"{Root}/a", false, Timeout()));
    }

    [Fact]
    public async Task Delete_at_the_current_version_removes_the_node()
    {
        await CreateAsync($"{Root}/a");
        await Client.SetDataAsync($"{Root}/a", Bytes("2"), -1, Timeout());

        await Client.DeleteAsync($"{Root}/a", 1, Timeout());

        Assert.Null(await Client.ExistsAsync($"{Root}/a", false, Timeout()));
    }

    [Fact]
    public async Task Delete_checks_the_version_before_the_children()
    {
        await CreateAsync($"{Root}/a");
        await CreateAsync($"{Root}/a/b");

        var stale = await Assert.ThrowsAsync<BadVersionException>(() => Client.DeleteAsync($"{Root}/a", 3, Timeout()));
        var full = await Assert.ThrowsAsync<NotEmptyException>(() => Client.DeleteAsync($"{Root}/a", 0, Timeout()));

        Assert.Equal(($"{Root}/a", $"{Root}/a"), (stale.Path, full.Path));
        Assert.Equal(1, (await StatAsync($"{Root}/a")).NumChildren);
    }

    [Fact]
    public async Task Children_are_listed_by_name_with_the_parent_stat()
    {
        foreach (var name in new[] { "y", "x", "z" })
            await CreateAsync($"{Root}/{name}");

        var children = await Client.GetChildrenAsync(Root, false, Timeout());

        Assert.Equal(["x", "y", "z"], children.Children.Order(StringComparer.Ordinal));
        Assert.Equal(await StatAsync(Root), children.Stat);
        Assert.Contains("zookeeper", (await Client.GetChildrenAsync("/", false, Timeout())).Children);
    }

    [Fact]
    public async Task Empty_data_reads_back_empty()
    {
        await Client.CreateAsync($"{Root}/a", ReadOnlyMemory<byte>.Empty, CreateMode.Persistent, null, Timeout());
        await CreateAsync($"{Root}/b", "x");
        await Client.SetDataAsync($"{Root}/b", ReadOnlyMemory<byte>.Empty, -1, Timeout());

        Assert.Empty((await Client.GetDataAsync($"{Root}/a", false, Timeout())).Data);
        Assert.Equal(0, (await StatAsync($"{Root}/b")).DataLength);
    }

    [Fact]
    public async Task Sync_succeeds_for_any_valid_path()
    {
        await Client.SyncAsync(Root, Timeout());
        await Client.SyncAsync($"{Root}/missing", Timeout());
    }

    [Fact]
    public async Task Under_a_chroot_paths_go_in_prefixed_and_come_back_relative()
    {
        var rooted = await ConnectAsync(Root);
        var events = Events(rooted);
        await rooted.AddWatchAsync("/", AddWatchMode.PersistentRecursive, Timeout());

        var created = await rooted.CreateAsync("/a", Bytes("x"), CreateMode.Persistent, null, Timeout());
        var sequential = await rooted.CreateAsync("/s-", Bytes(""), CreateMode.PersistentSequential, null, Timeout());
        var multi = await rooted.MultiAsync([MultiOp.Create("/b", Bytes("")), MultiOp.SetData("/a", Bytes("y"))], Timeout());
        await rooted.SetDataAsync("/", Bytes("top"), -1, Timeout());
        var missing = await Assert.ThrowsAsync<NoNodeException>(() => rooted.GetDataAsync("/missing", false, Timeout()));

        Assert.Equal(("/a", "/s-0000000001", "/missing"), (created, sequential, missing.Path));
        Assert.Equal(["/b", "/a"], multi.Results.Select(r => r.Path));
        Assert.Equal(["a", "b", "s-0000000001"], (await rooted.GetChildrenAsync("/", false, Timeout())).Children.Order(StringComparer.Ordinal));
        Assert.Equal(("y", "top"), (Text((await Client.GetDataAsync($"{Root}/a", false, Timeout())).Data), Text((await Client.GetDataAsync(Root, false, Timeout())).Data)));
        Assert.Equal([Created("/a"), Created("/s-0000000001"), Created("/b"), Changed("/a"), Changed("/")], await events.NextAsync(5));
    }

    // ---- Sequential, ephemeral, container and TTL nodes ----

    [Fact]
    public async Task A_sequential_name_is_the_parent_cversion_in_ten_digits()
    {
        var first = await CreateAsync($"{Root}/s-", mode: CreateMode.PersistentSequential);
        await CreateAsync($"{Root}/plain");
        var third = await CreateAsync($"{Root}/s-", mode: CreateMode.EphemeralSequential);
        await Client.DeleteAsync($"{Root}/plain", -1, Timeout());
        var afterDelete = await CreateAsync($"{Root}/s-", mode: CreateMode.PersistentSequential);
        var bare = await CreateAsync($"{Root}/", mode: CreateMode.PersistentSequential);

        Assert.Equal([$"{Root}/s-0000000000", $"{Root}/s-0000000002", $"{Root}/s-0000000003", $"{Root}/0000000004"], [first, third, afterDelete, bare]);
    }

    [Fact]
    public async Task An_ephemeral_belongs_to_its_session_and_goes_when_its_client_closes()
    {
        var owner = await ConnectAsync();
        var path = await owner.CreateAsync($"{Root}/e", Bytes(""), CreateMode.Ephemeral, null, Timeout());
        var events = Events(Client);
        Assert.Equal(owner.SessionId, (await Client.ExistsAsync(path, true, Timeout()))!.EphemeralOwner);

        await owner.DisposeAsync();

        Assert.Equal([Deleted(path)], await events.NextAsync(1));
        Assert.Null(await Client.ExistsAsync(path, false, Timeout()));
        Assert.NotEqual(Client.SessionId, owner.SessionId);
    }

    [Fact]
    public async Task Container_and_ttl_nodes_report_no_owner_and_take_children()
    {
        var container = await CreateAsync($"{Root}/box", mode: CreateMode.Container);
        var ttl = await Client.Create2Async($"{Root}/ttl", Bytes(""), CreateMode.PersistentWithTtl, null, TimeSpan.FromMinutes(1), Timeout());
        await CreateAsync($"{container}/child");
        await CreateAsync($"{ttl.Path}/child");

        // The server keeps their kind in the owner field but reports only a session's ephemerals as owned.
        Assert.Equal((0L, 0L), ((await StatAsync(container)).EphemeralOwner, ttl.Stat.EphemeralOwner));
        Assert.Equal((1, 1), ((await StatAsync(container)).NumChildren, (await StatAsync(ttl.Path)).NumChildren));
        await Client.DeleteAsync($"{container}/child", -1, Timeout());
        await Client.DeleteAsync(container, -1, Timeout());
    }

    // ---- Multi ----

    [Fact]
    public async Task A_multi_applies_every_operation_in_one_transaction_and_reports_each()
    {
        await CreateAsync($"{Root}/old");
        await CreateAsync($"{Root}/v", "0");

        var result = await Client.MultiAsync(
            [
                MultiOp.Check(Root, 0),
                MultiOp.Create($"{Root}/new", Bytes("n")),
                MultiOp.Create($"{Root}/s-", Bytes(""), CreateMode.PersistentSequential),
                MultiOp.Create($"{Root}/box", Bytes(""), CreateMode.Container),
                MultiOp.SetData($"{Root}/v", Bytes("1"), 0),
                MultiOp.Delete($"{Root}/old", 0),
            ],
            Timeout());

        Assert.True(result.Succeeded);
        Assert.Equal(
            [
                (MultiOpKind.Check, Root), (MultiOpKind.Create, $"{Root}/new"), (MultiOpKind.Create, $"{Root}/s-0000000003"),
                (MultiOpKind.Create, $"{Root}/box"), (MultiOpKind.SetData, $"{Root}/v"), (MultiOpKind.Delete, $"{Root}/old"),
            ],
            result.Results.Select(r => (r.Kind!.Value, r.Path!)));
        // The server answers a multi's plain creates without a stat (it turns create2 into create); containers and TTL nodes get one.
        Assert.Equal([false, false, false, true, true, false], result.Results.Select(r => r.Stat is not null));
        var zxid = (await StatAsync($"{Root}/new")).Czxid;
        Assert.Equal([zxid, zxid, zxid], [(await StatAsync($"{Root}/s-0000000003")).Czxid, result.Results[3].Stat!.Czxid, result.Results[4].Stat!.Mzxid]);
        Assert.Equal(await StatAsync($"{Root}/box"), result.Results[3].Stat);
        Assert.Equal(1, result.Results[4].Stat!.Version);
        Assert.Null(await Client.ExistsAsync($"{Root}/old", false, Timeout()));
    }

    [Fact]
    public async Task Each_operation_of_a_multi_sees_the_ones_before_it()
    {
        var result = await Client.MultiAsync(
            [
                MultiOp.Create($"{Root}/a", Bytes("")),
                MultiOp.Create($"{Root}/a/b", Bytes("")),
                MultiOp.SetData($"{Root}/a/b", Bytes("x"), 0),
                MultiOp.Check($"{Root}/a/b", 1),
                MultiOp.Delete($"{Root}/a/b", 1),
            ],
            Timeout());

        Assert.True(result.Succeeded, string.Join(", ", result.Results));
        Assert.Equal((0, 2), ((await StatAsync($"{Root}/a")).NumChildren, (await StatAsync($"{Root}/a")).Cversion));
    }

    [Fact]
    public async Task A_failing_multi_changes_nothing_fires_nothing_and_reports_ok_the_code_then_runtime_inconsistency()
    {
        await CreateAsync($"{Root}/v", "0");
        var before = await StatAsync(Root);
        var events = Events(Client);
        await Client.GetDataAsync($"{Root}/v", true, Timeout());

        var result = await Client.MultiAsync(
            [
                MultiOp.SetData($"{Root}/v", Bytes("1")),
                MultiOp.Create($"{Root}/a", Bytes("")),
                MultiOp.Delete($"{Root}/missing"),
                MultiOp.Create($"{Root}/b", Bytes("")),
            ],
            Timeout());

        Assert.False(result.Succeeded);
        Assert.Equal((2, ErrorCode.NoNode), result.FirstError);
        Assert.Equal(
            [
                new MultiOpResult(null, ErrorCode.Ok, $"{Root}/v", null),
                new MultiOpResult(null, ErrorCode.Ok, $"{Root}/a", null),
                new MultiOpResult(null, ErrorCode.NoNode, $"{Root}/missing", null),
                new MultiOpResult(null, ErrorCode.RuntimeInconsistency, $"{Root}/b", null),
            ],
            result.Results);
        Assert.Equal("0", Text((await Client.GetDataAsync($"{Root}/v", false, Timeout())).Data));
        var after = await StatAsync(Root);
        Assert.Equal((before.Cversion, before.NumChildren, before.Pzxid), (after.Cversion, after.NumChildren, after.Pzxid));
        var marker = await MarkerAsync(Client);
        Assert.Equal([marker], await events.NextAsync(1));
    }

    [Fact]
    public async Task A_stale_check_fails_the_whole_multi_with_BadVersion()
    {
        await Client.SetDataAsync(Root, Bytes("moved"), -1, Timeout());

        var result = await Client.MultiAsync([MultiOp.Check(Root, 0), MultiOp.Create($"{Root}/guarded", Bytes(""))], Timeout());

        Assert.Equal([ErrorCode.BadVersion, ErrorCode.RuntimeInconsistency], result.Results.Select(r => r.Error));
        Assert.Null(await Client.ExistsAsync($"{Root}/guarded", false, Timeout()));
    }

    // ---- Argument errors: thrown on the caller's thread, before anything is sent ----

    public static TheoryData<string> BadPaths => ["", "relative", "/a/", "/a//b", "/a/./b", "/a/..", "/a\0b", "/a\u0001b", "/a\ud800b", "/a\ufff0"];

    [Theory]
    [MemberData(nameof(BadPaths))]
    public async Task A_bad_path_is_refused_with_BadArguments_before_the_call_returns(string path)
    {
        Action[] calls =
        [
            () => _ = Client.CreateAsync(path, Bytes(""), CreateMode.Persistent, null, Timeout()),
            () => _ = Client.DeleteAsync(path, -1, Timeout()),
            () => _ = Client.ExistsAsync(path, true, Timeout()),
            () => _ = Client.GetDataAsync(path, false, Timeout()),
            () => _ = Client.SetDataAsync(path, Bytes(""), -1, Timeout()),
            () => _ = Client.GetChildrenAsync(path, false, Timeout()),
            () => _ = Client.AddWatchAsync(path, AddWatchMode.PersistentRecursive, Timeout()),
            () => _ = Client.RemoveWatchesAsync(path, WatcherType.Any, Timeout()),
            () => _ = Client.SyncAsync(path, Timeout()),
            () => _ = Client.MultiAsync([MultiOp.Check(Root, -1), MultiOp.SetData(path, Bytes(""))], Timeout()),
        ];

        foreach (var call in calls)
            Assert.Equal(path, Assert.Throws<BadArgumentsException>(call).Path);
        Assert.Equal(SessionState.Connected, Client.State);
        Assert.NotNull(await Client.ExistsAsync(Root, false, Timeout()));
    }

    [Fact]
    public async Task A_trailing_slash_is_refused_except_for_a_sequential_create_and_the_root_is_never_deleted()
    {
        Assert.Throws<BadArgumentsException>(() => { _ = Client.CreateAsync($"{Root}/", Bytes(""), CreateMode.Persistent, null, Timeout()); });
        Assert.Throws<BadArgumentsException>(() => { _ = Client.DeleteAsync("/", -1, Timeout()); });
        Assert.Throws<BadArgumentsException>(() => { _ = Client.MultiAsync([MultiOp.Delete("/")], Timeout()); });

        Assert.Equal($"{Root}/0000000000", await Client.CreateAsync($"{Root}/", Bytes(""), CreateMode.PersistentSequential, null, Timeout()));
    }

    [Fact]
    public async Task A_request_over_the_frame_limit_is_refused_before_the_call_returns()
    {
        var tooBig = new byte[1024 * 1024];
        var half = new byte[600 * 1024];

        Assert.Throws<ArgumentException>(() => { _ = Client.SetDataAsync(Root, tooBig, -1, Timeout()); });
        Assert.Throws<ArgumentException>(() => { _ = Client.CreateAsync($"{Root}/big", tooBig, CreateMode.Persistent, null, Timeout()); });
        Assert.Throws<ArgumentException>(() => { _ = Client.MultiAsync([MultiOp.Create($"{Root}/a", half), MultiOp.Create($"{Root}/b", half)], Timeout()); });

        Assert.Equal(SessionState.Connected, Client.State);
        Assert.Equal(half.Length, (await Client.SetDataAsync(Root, half, -1, Timeout())).DataLength);
    }

    // ---- One-shot watches ----

    [Fact]
    public async Task A_data_watch_fires_once_for_two_changes()
    {
        var path = await CreateAsync($"{Root}/a", "0");
        var events = Events(Client);
        await Client.GetDataAsync(path, true, Timeout());

        await Client.SetDataAsync(path, Bytes("1"), -1, Timeout());
        await Client.SetDataAsync(path, Bytes("2"), -1, Timeout());
        var marker = await MarkerAsync(Client);

        Assert.Equal([Changed(path), marker], await events.NextAsync(2));
    }

    [Fact]
    public async Task A_data_watch_fires_NodeDeleted_when_its_node_goes()
    {
        var path = await CreateAsync($"{Root}/a");
        var events = Events(Client);
        await Client.GetDataAsync(path, true, Timeout());

        await Client.DeleteAsync(path, -1, Timeout());

        Assert.Equal([Deleted(path)], await events.NextAsync(1));
    }

    [Fact]
    public async Task An_exists_watch_fires_NodeCreated_for_a_missing_node_and_NodeDataChanged_for_a_present_one()
    {
        var events = Events(Client);
        Assert.Null(await Client.ExistsAsync($"{Root}/later", true, Timeout()));
        await CreateAsync($"{Root}/later");
        Assert.NotNull(await Client.ExistsAsync($"{Root}/later", true, Timeout()));
        await Client.SetDataAsync($"{Root}/later", Bytes("1"), -1, Timeout());
        await Client.SetDataAsync($"{Root}/later", Bytes("2"), -1, Timeout());
        var marker = await MarkerAsync(Client);

        Assert.Equal([Created($"{Root}/later"), Changed($"{Root}/later"), marker], await events.NextAsync(3));
    }

    [Fact]
    public async Task A_child_watch_fires_once_for_a_child_change_and_never_for_a_child_data_change()
    {
        await CreateAsync($"{Root}/c");
        var events = Events(Client);
        await Client.GetChildrenAsync(Root, true, Timeout());

        await Client.SetDataAsync($"{Root}/c", Bytes("1"), -1, Timeout());
        await CreateAsync($"{Root}/c/grandchild");
        await Client.DeleteAsync($"{Root}/c/grandchild", -1, Timeout());
        await Client.DeleteAsync($"{Root}/c", -1, Timeout());
        await CreateAsync($"{Root}/d");
        var marker = await MarkerAsync(Client);

        Assert.Equal([ChildrenChanged(Root), marker], await events.NextAsync(2));
    }

    [Fact]
    public async Task Deleting_a_node_with_data_and_child_watches_fires_one_NodeDeleted_and_the_parent_child_watch()
    {
        var path = await CreateAsync($"{Root}/a");
        var events = Events(Client);
        await Client.GetDataAsync(path, true, Timeout());
        await Client.GetChildrenAsync(path, true, Timeout());
        await Client.GetChildrenAsync(Root, true, Timeout());

        await Client.DeleteAsync(path, -1, Timeout());
        var marker = await MarkerAsync(Client);

        Assert.Equal([Deleted(path), ChildrenChanged(Root), marker], await events.NextAsync(3));
    }

    [Fact]
    public async Task Each_session_gets_the_events_of_its_own_watches_and_only_those()
    {
        var other = await ConnectAsync();
        await CreateAsync($"{Root}/x");
        await CreateAsync($"{Root}/y");
        var mine = Events(Client);
        var theirs = Events(other);
        await Client.GetDataAsync($"{Root}/x", true, Timeout());
        await other.GetDataAsync($"{Root}/y", true, Timeout());

        await other.SetDataAsync($"{Root}/x", Bytes("1"), -1, Timeout());
        await Client.SetDataAsync($"{Root}/y", Bytes("1"), -1, Timeout());
        var myMarker = await MarkerAsync(Client);
        var theirMarker = await MarkerAsync(other);

        Assert.Equal([Changed($"{Root}/x"), myMarker], await mine.NextAsync(2));
        Assert.Equal([Changed($"{Root}/y"), theirMarker], await theirs.NextAsync(2));
    }

    // ---- Persistent watches ----

    [Fact]
    public async Task A_persistent_watch_reports_its_node_and_its_children_changing_and_stays_armed()
    {
        var path = await CreateAsync($"{Root}/p");
        var events = Events(Client);
        await Client.AddWatchAsync(path, AddWatchMode.Persistent, Timeout());

        await Client.SetDataAsync(path, Bytes("1"), -1, Timeout());
        await Client.SetDataAsync(path, Bytes("2"), -1, Timeout());
        await CreateAsync($"{path}/c");
        await CreateAsync($"{path}/c/g");
        await Client.SetDataAsync($"{path}/c", Bytes("1"), -1, Timeout());
        await Client.DeleteAsync($"{path}/c/g", -1, Timeout());
        await Client.DeleteAsync($"{path}/c", -1, Timeout());
        await Client.DeleteAsync(path, -1, Timeout());
        await CreateAsync(path);
        var marker = await MarkerAsync(Client);

        Assert.Equal(
            [Changed(path), Changed(path), ChildrenChanged(path), ChildrenChanged(path), Deleted(path), Created(path), marker],
            await events.NextAsync(7));
    }

    [Fact]
    public async Task A_persistent_recursive_watch_reports_every_node_below_in_order_but_never_children_changed()
    {
        var path = $"{Root}/p";
        var events = Events(Client);
        await Client.AddWatchAsync(path, AddWatchMode.PersistentRecursive, Timeout());

        await CreateAsync(path);
        await CreateAsync($"{path}/a");
        await CreateAsync($"{path}/a/b");
        await Client.SetDataAsync($"{path}/a/b", Bytes("1"), -1, Timeout());
        await Client.SetDataAsync($"{path}/a", Bytes("1"), -1, Timeout());
        await Client.SetDataAsync(path, Bytes("1"), -1, Timeout());
        await CreateAsync($"{Root}/p-sibling");
        await Client.DeleteAsync($"{path}/a/b", -1, Timeout());
        await Client.DeleteAsync($"{path}/a", -1, Timeout());
        await Client.DeleteAsync(path, -1, Timeout());
        await CreateAsync(path);
        var marker = await MarkerAsync(Client);

        Assert.Equal(
            [
                Created(path), Created($"{path}/a"), Created($"{path}/a/b"), Changed($"{path}/a/b"), Changed($"{path}/a"), Changed(path),
                Deleted($"{path}/a/b"), Deleted($"{path}/a"), Deleted(path), Created(path), marker,
            ],
            await events.NextAsync(11));
    }

    [Fact]
    public async Task A_recursive_watch_and_one_shot_watches_below_it_give_one_event_per_change()
    {
        var path = await CreateAsync($"{Root}/a");
        var events = Events(Client);
        await Client.AddWatchAsync(Root, AddWatchMode.PersistentRecursive, Timeout());
        await Client.GetDataAsync(path, true, Timeout());
        await Client.GetChildrenAsync(path, true, Timeout());

        await Client.SetDataAsync(path, Bytes("1"), -1, Timeout());
        await Client.DeleteAsync(path, -1, Timeout());
        var marker = await MarkerAsync(Client);

        Assert.Equal([Changed(path), Deleted(path), marker], await events.NextAsync(3));
    }

    [Fact]
    public async Task The_events_of_a_multi_come_in_the_order_of_its_operations()
    {
        await CreateAsync($"{Root}/old");
        var events = Events(Client);
        await Client.AddWatchAsync(Root, AddWatchMode.PersistentRecursive, Timeout());

        await Client.MultiAsync(
            [MultiOp.Create($"{Root}/a", Bytes("")), MultiOp.Delete($"{Root}/old"), MultiOp.Create($"{Root}/b", Bytes("")), MultiOp.SetData($"{Root}/a", Bytes("1"))],
            Timeout());

        Assert.Equal([Created($"{Root}/a"), Deleted($"{Root}/old"), Created($"{Root}/b"), Changed($"{Root}/a")], await events.NextAsync(4));
    }

    [Fact]
    public async Task On_ZooKeeper_3_8_a_one_shot_data_watch_on_a_path_with_a_persistent_watch_replaces_its_data_part()
    {
        var path = await CreateAsync($"{Root}/p");
        var events = Events(Client);
        await Client.AddWatchAsync(path, AddWatchMode.Persistent, Timeout());
        await Client.GetDataAsync(path, true, Timeout());

        await Client.SetDataAsync(path, Bytes("1"), -1, Timeout());
        await Client.SetDataAsync(path, Bytes("2"), -1, Timeout());
        await CreateAsync($"{path}/c");
        var marker = await MarkerAsync(Client);

        Assert.Equal([Changed(path), ChildrenChanged(path), marker], await events.NextAsync(3));
    }

    // ---- Removing watches ----

    [Fact]
    public async Task Removing_watches_reports_what_was_removed_and_stops_it()
    {
        var path = await CreateAsync($"{Root}/a");
        var events = Events(Client);
        await Client.GetDataAsync(path, true, Timeout());
        await Client.GetChildrenAsync(path, true, Timeout());
        await Client.AddWatchAsync(Root, AddWatchMode.PersistentRecursive, Timeout());

        await Client.RemoveWatchesAsync(path, WatcherType.Data, Timeout());
        await Client.RemoveWatchesAsync(path, WatcherType.Children, Timeout());
        await Client.RemoveWatchesAsync(Root, WatcherType.Any, Timeout());
        await Client.SetDataAsync(path, Bytes("1"), -1, Timeout());
        await CreateAsync($"{path}/c");
        var marker = await MarkerAsync(Client);

        Assert.Equal(
            [
                new WatchEvent(WatchEventType.DataWatchRemoved, path), new WatchEvent(WatchEventType.ChildWatchRemoved, path),
                new WatchEvent(WatchEventType.PersistentWatchRemoved, Root), marker,
            ],
            await events.NextAsync(4));
    }

    [Fact]
    public async Task Removing_a_watch_that_is_not_there_throws_NoWatcher()
    {
        var path = await CreateAsync($"{Root}/a");
        await Client.GetDataAsync(path, true, Timeout());

        await Assert.ThrowsAsync<NoWatcherException>(() => Client.RemoveWatchesAsync(Root, WatcherType.Any, Timeout()));
        await Assert.ThrowsAsync<NoWatcherException>(() => Client.RemoveWatchesAsync(path, WatcherType.Children, Timeout()));
    }

    // ---- Sessions, connection loss and expiry ----

    [Fact]
    public async Task The_state_stream_starts_with_Connected_and_a_closed_client_ends_it_with_Closed_and_refuses_calls()
    {
        var client = await ConnectAsync();
        var states = States(client);
        await states.ShowsAsync([SessionState.Connected], Patience);

        await client.DisposeAsync();

        await states.ShowsAsync([SessionState.Connected, SessionState.Closed], Patience);
        await Eventually(() => states.Ended, Patience, "the state stream ends");
        Assert.Equal(SessionState.Closed, client.State);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.ExistsAsync("/", false, Timeout()));
    }

    [Fact]
    public async Task An_unknown_auth_scheme_ends_the_session_for_good_with_AuthFailed()
    {
        var client = await ConnectAsync();
        var states = States(client);

        await Assert.ThrowsAsync<AuthFailedException>(() => client.AddAuthAsync("nonsense", Bytes("x"), Timeout()));

        await states.ShowsAsync([SessionState.Connected, SessionState.AuthFailed], Patience);
        await Assert.ThrowsAsync<AuthFailedException>(() => client.ExistsAsync("/", false, Timeout()));
    }

    [Fact]
    public async Task A_dropped_connection_comes_back_to_the_same_session_with_its_ephemerals()
    {
        var client = await ConnectAsync();
        var states = States(client);
        var path = await client.CreateAsync($"{Root}/e", Bytes(""), CreateMode.Ephemeral, null, Timeout());
        var session = client.SessionId;

        await DropConnectionAsync(client);
        Assert.Equal(SessionState.Disconnected, client.State);
        Assert.NotNull(await Client.ExistsAsync(path, false, Timeout()));
        await RestoreConnectionAsync(client);

        await states.ShowsAsync([SessionState.Connected, SessionState.Disconnected, SessionState.Connected], Patience);
        Assert.Equal(session, client.SessionId);
        Assert.Equal(session, (await client.ExistsAsync(path, false, Timeout()))!.EphemeralOwner);
    }

    [Fact]
    public async Task One_shot_watches_fire_on_reconnect_for_what_changed_while_disconnected()
    {
        var client = await ConnectAsync();
        await CreateAsync($"{Root}/changed", "0");
        await CreateAsync($"{Root}/deleted");
        await CreateAsync($"{Root}/parent");
        var events = Events(client);
        await client.GetDataAsync($"{Root}/changed", true, Timeout());
        await client.GetDataAsync($"{Root}/deleted", true, Timeout());
        await client.ExistsAsync($"{Root}/created", true, Timeout());
        await client.GetChildrenAsync($"{Root}/parent", true, Timeout());

        await DropConnectionAsync(client);
        await Client.SetDataAsync($"{Root}/changed", Bytes("1"), -1, Timeout());
        await Client.DeleteAsync($"{Root}/deleted", -1, Timeout());
        await CreateAsync($"{Root}/created");
        await CreateAsync($"{Root}/parent/child");
        await RestoreConnectionAsync(client);

        var fired = await events.NextAsync(4);
        Assert.Equal(
            [Changed($"{Root}/changed"), Created($"{Root}/created"), Deleted($"{Root}/deleted"), ChildrenChanged($"{Root}/parent")],
            fired.OrderBy(e => e.Path, StringComparer.Ordinal));
        var marker = await MarkerAsync(client);
        Assert.Equal([marker], await events.NextAsync(1));
    }

    [Fact]
    public async Task A_one_shot_watch_on_a_node_that_did_not_change_stays_armed_across_a_reconnect()
    {
        var client = await ConnectAsync();
        var path = await CreateAsync($"{Root}/a", "0");
        var events = Events(client);
        await client.GetDataAsync(path, true, Timeout());

        await DropConnectionAsync(client);
        await RestoreConnectionAsync(client);
        var quiet = await MarkerAsync(client);
        await Client.SetDataAsync(path, Bytes("1"), -1, Timeout());

        Assert.Equal([quiet, Changed(path)], await events.NextAsync(2));
    }

    [Fact]
    public async Task A_persistent_recursive_watch_is_rearmed_without_what_changed_while_disconnected()
    {
        var client = await ConnectAsync();
        var events = Events(client);
        await client.AddWatchAsync(Root, AddWatchMode.PersistentRecursive, Timeout());

        await DropConnectionAsync(client);
        await CreateAsync($"{Root}/while-away");
        await RestoreConnectionAsync(client);
        await CreateAsync($"{Root}/after");

        Assert.Equal([Created($"{Root}/after")], await events.NextAsync(1));
    }

    [Fact]
    public async Task Events_the_client_had_read_before_its_connection_dropped_are_still_delivered()
    {
        var client = await ConnectAsync();
        var events = Events(client);
        await client.AddWatchAsync(Root, AddWatchMode.PersistentRecursive, Timeout());
        await CreateAsync($"{Root}/before");
        // The reply comes after the notification on the same connection, so the client has read it by now.
        await client.ExistsAsync(Root, false, Timeout());

        await DropConnectionAsync(client);
        await RestoreConnectionAsync(client);
        await CreateAsync($"{Root}/after");

        Assert.Equal([Created($"{Root}/before"), Created($"{Root}/after")], await events.NextAsync(2));
    }

    [Fact]
    public async Task An_expired_session_loses_its_ephemerals_and_its_client_fails_every_call_with_SessionExpired()
    {
        var client = await ConnectAsync();
        var states = States(client);
        var theirEvents = Events(client);
        var path = await client.CreateAsync($"{Root}/e", Bytes(""), CreateMode.Ephemeral, null, Timeout());
        await client.ExistsAsync(path, true, Timeout());
        var events = Events(Client);
        await Client.ExistsAsync(path, true, Timeout());

        await ExpireSessionAsync(client);

        await states.ShowsThroughReconnectsAsync([SessionState.Connected, SessionState.Disconnected, SessionState.Expired], Patience);
        Assert.Equal([Deleted(path)], await events.NextAsync(1));
        Assert.Null(await Client.ExistsAsync(path, false, Timeout()));
        await Assert.ThrowsAsync<SessionExpiredException>(() => client.ExistsAsync(Root, false, Timeout()));
        await Assert.ThrowsAsync<SessionExpiredException>(() => client.CreateAsync($"{Root}/x", Bytes(""), CreateMode.Persistent, null, Timeout()));
        await theirEvents.EndsAsync();

        await client.DisposeAsync();
        await states.ShowsThroughReconnectsAsync([SessionState.Connected, SessionState.Disconnected, SessionState.Expired, SessionState.Closed], Patience);
        await Assert.ThrowsAsync<SessionExpiredException>(() => client.ExistsAsync(Root, false, Timeout()));
    }

    [Fact]
    public async Task A_disconnected_client_learns_of_its_expiry_when_it_reconnects()
    {
        var client = await ConnectAsync();
        var states = States(client);
        var path = await client.CreateAsync($"{Root}/e", Bytes(""), CreateMode.Ephemeral, null, Timeout());
        var events = Events(Client);
        await Client.ExistsAsync(path, true, Timeout());

        await DropConnectionAsync(client);
        await ExpireSessionAsync(client);
        Assert.Equal([Deleted(path)], await events.NextAsync(1));
        Assert.Equal(SessionState.Disconnected, client.State);
        await RestoreConnectionAsync(client);

        await states.ShowsAsync([SessionState.Connected, SessionState.Disconnected, SessionState.Expired], Patience);
        await Assert.ThrowsAsync<SessionExpiredException>(() => client.GetDataAsync(Root, false, Timeout()));
    }
}
