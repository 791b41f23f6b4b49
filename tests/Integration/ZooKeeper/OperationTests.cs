using System.Text.RegularExpressions;
using JobLog.Integration.Fixtures;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using Xunit;
using static JobLog.Integration.ZooKeeper.ZooKeeperTest;

namespace JobLog.Integration.ZooKeeper;

[Collection(ZooKeeperFixture.Collection)]
public sealed class OperationTests(ZooKeeperFixture zookeeper) : ClientTestBase(zookeeper)
{
    [Fact]
    public async Task Create_then_get_data_returns_the_bytes_and_version_zero()
    {
        var path = await Client.CreateAsync($"{Root}/a", Bytes("hello"), CreateMode.Persistent, null, Timeout());

        var node = await Client.GetDataAsync(path, false, Timeout());

        Assert.Equal($"{Root}/a", path);
        Assert.Equal("hello", Text(node.Data));
        Assert.Equal(0, node.Stat.Version);
        Assert.Equal(5, node.Stat.DataLength);
        Assert.Equal(0, node.Stat.EphemeralOwner);
    }

    [Fact]
    public async Task Create2_returns_the_stat_of_the_new_node()
    {
        var created = await Client.Create2Async($"{Root}/a", Bytes("xy"), CreateMode.Persistent, null, null, Timeout());

        Assert.Equal($"{Root}/a", created.Path);
        Assert.Equal(2, created.Stat.DataLength);
        Assert.Equal(created.Stat.Czxid, created.Stat.Mzxid);
    }

    [Fact]
    public async Task Creating_an_existing_node_throws_NodeExists_with_the_path()
    {
        await Client.CreateAsync($"{Root}/a", Bytes("1"), CreateMode.Persistent, null, Timeout());

        var error = await Assert.ThrowsAsync<NodeExistsException>(
            () => Client.CreateAsync($"{Root}/a", Bytes("2"), CreateMode.Persistent, null, Timeout()));

        Assert.Equal(ErrorCode.NodeExists, error.Code);
        Assert.Equal($"{Root}/a", error.Path);
        Assert.Contains($"{Root}/a", error.Message);
    }

    [Fact]
    public async Task Creating_under_a_missing_parent_throws_NoNode()
    {
        await Assert.ThrowsAsync<NoNodeException>(
            () => Client.CreateAsync($"{Root}/missing/a", Bytes("1"), CreateMode.Persistent, null, Timeout()));
    }

    [Fact]
    public async Task Creating_a_child_of_an_ephemeral_throws_NoChildrenForEphemerals()
    {
        await Client.CreateAsync($"{Root}/e", Bytes(""), CreateMode.Ephemeral, null, Timeout());

        await Assert.ThrowsAsync<NoChildrenForEphemeralsException>(
            () => Client.CreateAsync($"{Root}/e/child", Bytes(""), CreateMode.Persistent, null, Timeout()));
    }

    [Fact]
    public async Task A_path_without_a_leading_slash_is_refused_with_BadArguments()
    {
        var error = await Assert.ThrowsAsync<BadArgumentsException>(
            () => Client.CreateAsync("no-slash", Bytes(""), CreateMode.Persistent, null, Timeout()));

        Assert.Equal(ErrorCode.BadArguments, error.Code);
        Assert.Equal(SessionState.Connected, Client.State);
    }

    [Fact]
    public async Task Create_with_an_empty_acl_throws_InvalidAcl()
    {
        await Assert.ThrowsAsync<InvalidAclException>(
            () => Client.CreateAsync($"{Root}/a", Bytes(""), CreateMode.Persistent, [], Timeout()));
    }

    [Fact]
    public async Task Get_data_of_a_missing_node_throws_NoNode()
    {
        var error = await Assert.ThrowsAsync<NoNodeException>(() => Client.GetDataAsync($"{Root}/missing", false, Timeout()));

        Assert.Equal($"{Root}/missing", error.Path);
    }

    [Fact]
    public async Task Set_data_at_the_current_version_bumps_the_version()
    {
        await Client.CreateAsync($"{Root}/a", Bytes("1"), CreateMode.Persistent, null, Timeout());

        var first = await Client.SetDataAsync($"{Root}/a", Bytes("2"), 0, Timeout());
        var second = await Client.SetDataAsync($"{Root}/a", Bytes("3"), 1, Timeout());

        Assert.Equal(1, first.Version);
        Assert.Equal(2, second.Version);
        Assert.Equal("3", Text((await Client.GetDataAsync($"{Root}/a", false, Timeout())).Data));
    }

    [Fact]
    public async Task Set_data_at_a_stale_version_throws_BadVersion_and_changes_nothing()
    {
        await Client.CreateAsync($"{Root}/a", Bytes("1"), CreateMode.Persistent, null, Timeout());
        await Client.SetDataAsync($"{Root}/a", Bytes("2"), 0, Timeout());

        await Assert.ThrowsAsync<BadVersionException>(() => Client.SetDataAsync($"{Root}/a", Bytes("stale"), 0, Timeout()));

        Assert.Equal("2", Text((await Client.GetDataAsync($"{Root}/a", false, Timeout())).Data));
    }

    [Fact]
    public async Task Set_data_with_version_minus_one_ignores_the_version()
    {
        await Client.CreateAsync($"{Root}/a", Bytes("1"), CreateMode.Persistent, null, Timeout());
        await Client.SetDataAsync($"{Root}/a", Bytes("2"), 0, Timeout());

        var stat = await Client.SetDataAsync($"{Root}/a", Bytes("3"), -1, Timeout());

        Assert.Equal(2, stat.Version);
    }

    [Fact]
    public async Task Set_data_of_a_missing_node_throws_NoNode()
    {
        await Assert.ThrowsAsync<NoNodeException>(() => Client.SetDataAsync($"{Root}/missing", Bytes("1"), -1, Timeout()));
    }

    [Fact]
    public async Task Delete_at_the_current_version_removes_the_node()
    {
        await Client.CreateAsync($"{Root}/a", Bytes("1"), CreateMode.Persistent, null, Timeout());
        await Client.SetDataAsync($"{Root}/a", Bytes("2"), -1, Timeout());

        await Client.DeleteAsync($"{Root}/a", 1, Timeout());

        Assert.Null(await Client.ExistsAsync($"{Root}/a", false, Timeout()));
    }

    [Fact]
    public async Task Delete_at_a_stale_version_throws_BadVersion()
    {
        await Client.CreateAsync($"{Root}/a", Bytes("1"), CreateMode.Persistent, null, Timeout());

        await Assert.ThrowsAsync<BadVersionException>(() => Client.DeleteAsync($"{Root}/a", 3, Timeout()));

        Assert.NotNull(await Client.ExistsAsync($"{Root}/a", false, Timeout()));
    }

    [Fact]
    public async Task Delete_of_a_missing_node_throws_NoNode()
    {
        await Assert.ThrowsAsync<NoNodeException>(() => Client.DeleteAsync($"{Root}/missing", -1, Timeout()));
    }

    [Fact]
    public async Task Delete_of_a_node_with_children_throws_NotEmpty()
    {
        await Client.CreateAsync($"{Root}/a", Bytes(""), CreateMode.Persistent, null, Timeout());
        await Client.CreateAsync($"{Root}/a/b", Bytes(""), CreateMode.Persistent, null, Timeout());

        await Assert.ThrowsAsync<NotEmptyException>(() => Client.DeleteAsync($"{Root}/a", -1, Timeout()));
    }

    [Fact]
    public async Task Exists_returns_the_stat_of_a_node_and_null_for_a_missing_one()
    {
        await Client.CreateAsync($"{Root}/a", Bytes("abc"), CreateMode.Persistent, null, Timeout());

        var present = await Client.ExistsAsync($"{Root}/a", false, Timeout());
        var missing = await Client.ExistsAsync($"{Root}/b", false, Timeout());

        Assert.Equal(3, present!.DataLength);
        Assert.Null(missing);
    }

    [Fact]
    public async Task Get_children_lists_the_child_names_with_the_parent_stat()
    {
        foreach (var name in new[] { "x", "y", "z" })
            await Client.CreateAsync($"{Root}/{name}", Bytes(""), CreateMode.Persistent, null, Timeout());

        var children = await Client.GetChildrenAsync(Root, false, Timeout());

        Assert.Equal(["x", "y", "z"], children.Children.Order());
        Assert.Equal(3, children.Stat.NumChildren);
    }

    [Fact]
    public async Task Get_children_of_a_missing_node_throws_NoNode()
    {
        await Assert.ThrowsAsync<NoNodeException>(() => Client.GetChildrenAsync($"{Root}/missing", false, Timeout()));
    }

    [Fact]
    public async Task Sequential_creates_append_a_ten_digit_increasing_counter()
    {
        var first = await Client.CreateAsync($"{Root}/s-", Bytes(""), CreateMode.PersistentSequential, null, Timeout());
        var second = await Client.CreateAsync($"{Root}/s-", Bytes(""), CreateMode.EphemeralSequential, null, Timeout());

        Assert.Matches(new Regex($"^{Regex.Escape(Root)}/s-\\d{{10}}$"), first);
        Assert.Matches(new Regex($"^{Regex.Escape(Root)}/s-\\d{{10}}$"), second);
        Assert.True(string.CompareOrdinal(first, second) < 0, $"{first} should sort before {second}");
    }

    [Fact]
    public async Task An_ephemeral_node_is_owned_by_the_session()
    {
        var path = await Client.CreateAsync($"{Root}/e", Bytes(""), CreateMode.Ephemeral, null, Timeout());

        var stat = await Client.ExistsAsync(path, false, Timeout());

        Assert.Equal(Client.SessionId, stat!.EphemeralOwner);
    }

    [Fact]
    public async Task A_container_node_is_created_and_readable()
    {
        var path = await Client.CreateAsync($"{Root}/c", Bytes("box"), CreateMode.Container, null, Timeout());

        Assert.Equal("box", Text((await Client.GetDataAsync(path, false, Timeout())).Data));
    }

    [Fact]
    public async Task A_ttl_node_is_created_when_the_server_enables_extended_types()
    {
        var path = await Client.CreateAsync($"{Root}/ttl", Bytes("t"), CreateMode.PersistentWithTtl, null, TimeSpan.FromMinutes(1), Timeout());
        var sequential = await Client.CreateAsync($"{Root}/ttl-", Bytes("t"), CreateMode.PersistentSequentialWithTtl, null, TimeSpan.FromMinutes(1), Timeout());

        Assert.NotNull(await Client.ExistsAsync(path, false, Timeout()));
        Assert.Matches(new Regex("-\\d{10}$"), sequential);
    }

    [Fact]
    public async Task A_ttl_create_mode_without_a_ttl_is_refused_before_sending()
    {
        await Assert.ThrowsAsync<ArgumentException>(
            () => Client.CreateAsync($"{Root}/ttl", Bytes("t"), CreateMode.PersistentWithTtl, null, Timeout()));

        Assert.Null(await Client.ExistsAsync($"{Root}/ttl", false, Timeout()));
    }

    [Fact]
    public async Task Null_data_reads_back_as_empty()
    {
        await Client.CreateAsync($"{Root}/a", ReadOnlyMemory<byte>.Empty, CreateMode.Persistent, null, Timeout());

        var node = await Client.GetDataAsync($"{Root}/a", false, Timeout());

        Assert.Empty(node.Data);
    }

    [Fact]
    public async Task Sync_completes_for_an_existing_path()
    {
        await Client.SyncAsync(Root, Timeout());

        Assert.NotNull(await Client.ExistsAsync(Root, false, Timeout()));
    }

    [Fact]
    public async Task A_payload_over_one_megabyte_fails_fast_without_touching_the_connection()
    {
        var tooBig = new byte[1024 * 1024];

        var error = Assert.Throws<ArgumentException>(() => { _ = Client.SetDataAsync(Root, tooBig, -1, Timeout()); });

        Assert.Contains("jute.maxbuffer", error.Message);
        Assert.Equal(SessionState.Connected, Client.State);
        Assert.NotNull(await Client.ExistsAsync(Root, false, Timeout()));
    }

    [Fact]
    public async Task A_payload_just_under_the_frame_limit_is_accepted()
    {
        var path = $"{Root}/big";
        var fits = new byte[OpCodeLimit - 8 - (4 + System.Text.Encoding.UTF8.GetByteCount(path)) - 4 - 4 - 200];

        await Client.CreateAsync(path, ReadOnlyMemory<byte>.Empty, CreateMode.Persistent, null, Timeout());
        var stat = await Client.SetDataAsync(path, fits, -1, Timeout());

        Assert.Equal(fits.Length, stat.DataLength);
    }

    private const int OpCodeLimit = 0xFFFFF;
}
