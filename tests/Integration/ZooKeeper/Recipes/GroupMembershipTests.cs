using JobLog.Integration.Fixtures;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using JobLog.ZooKeeper.Recipes;
using JobLog.ZooKeeper.Watches;
using Xunit;
using static JobLog.Integration.ZooKeeper.ZooKeeperTest;

namespace JobLog.Integration.ZooKeeper.Recipes;

/// <summary>The membership recipe against a real server; each member has a session of its own and the test is its owner.</summary>
[Collection(ZooKeeperFixture.Collection)]
public sealed class GroupMembershipTests(ZooKeeperFixture zookeeper) : ClientTestBase(zookeeper, "group")
{
    private readonly List<IAsyncDisposable> _owned = [];

    private string Parent => $"{Root}/nodes";

    public override async Task DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
            await owned.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task A_member_joins_updates_its_data_and_is_listed_with_it_until_it_leaves()
    {
        var a = new GroupMembership(await ConnectOwnAsync(), Parent);
        var b = new GroupMembership(await ConnectOwnAsync(), Parent);

        var joined = await a.JoinAsync("node-a", Bytes("v1"), Timeout());
        await b.JoinAsync("node-b", Bytes("b1"), Timeout());
        await a.UpdateAsync(Bytes("v2"), Timeout());
        var members = await b.MembersAsync(watch: false, Timeout());

        Assert.Equal(new MembershipChange(MembershipStatus.Out, MembershipStatus.Joined), joined);
        Assert.Equal([("node-a", "v2", 1), ("node-b", "b1", 0)], members.Select(m => (m.MemberId, Text(m.Data), m.Stat.Version)));

        var left = await a.LeaveAsync(Timeout());

        Assert.Equal(MembershipStatus.Out, left.After);
        Assert.Equal(["node-b"], (await b.MembersAsync(watch: false, Timeout())).Select(m => m.MemberId));
        await Assert.ThrowsAsync<InvalidOperationException>(() => a.UpdateAsync(Bytes("v3"), Timeout()));
    }

    [Fact]
    public async Task A_members_node_goes_when_its_client_closes()
    {
        var client = await ConnectOwnAsync();
        await new GroupMembership(client, Parent).JoinAsync("node-a", Bytes("up"), Timeout());

        await client.DisposeAsync();

        Assert.Empty(await new GroupMembership(Client, Parent).MembersAsync(watch: false, Timeout()));
    }

    [Fact]
    public async Task A_members_node_goes_when_its_session_expires_and_the_member_is_then_out()
    {
        var client = await ConnectOwnAsync();
        await using var states = new StateRecorder(client);
        var member = new GroupMembership(client, Parent);
        await member.JoinAsync("node-a", Bytes("up"), Timeout());

        await SessionKiller.KillAsync("127.0.0.1", Fixture.Server.Port, client.SessionId, client.SessionPassword, Timeout());
        await states.WaitForAsync(SessionState.Expired, Patience);
        var change = member.SessionStateChanged(SessionState.Expired);

        Assert.Empty(await new GroupMembership(Client, Parent).MembersAsync(watch: false, Timeout()));
        Assert.Equal(new MembershipChange(MembershipStatus.Joined, MembershipStatus.Out), change);
    }

    [Fact]
    public async Task A_member_id_still_held_by_a_crashed_processes_session_is_waited_for_untouched_and_joined_once_that_session_expires()
    {
        var crashed = await ConnectOwnAsync();
        await new GroupMembership(crashed, Parent).JoinAsync("node-a", Bytes("before the crash"), Timeout());
        var restarted = await ConnectOwnAsync();
        var events = Own(new WatchRecorder(restarted));
        var member = new GroupMembership(restarted, Parent);
        var path = $"{Parent}/node-a";

        var waiting = await member.JoinAsync("node-a", Bytes("after the restart"), Timeout());

        Assert.Equal(MembershipStatus.Waiting, waiting.After);
        Assert.Equal(crashed.SessionId, member.WaitingFor);
        var held = await Client.GetDataAsync(path, false, Timeout());
        Assert.Equal((crashed.SessionId, "before the crash"), (held.Stat.EphemeralOwner, Text(held.Data)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => member.JoinAsync("node-b", Bytes(""), Timeout()));

        // The crashed process's session ends the way the server ends it: expiry.
        await SessionKiller.KillAsync("127.0.0.1", Fixture.Server.Port, crashed.SessionId, crashed.SessionPassword, Timeout());
        await events.WaitForAsync(WatchEventType.NodeDeleted, path);
        var changes = await events.HandOnAsync(member.HandleAsync);

        Assert.Equal([new MembershipChange(MembershipStatus.Waiting, MembershipStatus.Joined)], changes);
        var mine = await Client.GetDataAsync(path, false, Timeout());
        Assert.Equal((restarted.SessionId, "after the restart"), (mine.Stat.EphemeralOwner, Text(mine.Data)));
        Assert.Null(member.WaitingFor);
    }

    [Fact]
    public async Task An_update_after_someone_else_changed_the_members_node_is_reported_as_a_conflict_and_the_next_update_starts_from_the_node()
    {
        var member = new GroupMembership(await ConnectOwnAsync(), Parent);
        await member.JoinAsync("node-a", Bytes("mine"), Timeout());
        await Client.SetDataAsync($"{Parent}/node-a", Bytes("someone else's"), -1, Timeout());

        await Assert.ThrowsAsync<BadVersionException>(() => member.UpdateAsync(Bytes("mine, updated"), Timeout()));
        Assert.Equal("someone else's", Text((await Client.GetDataAsync($"{Parent}/node-a", false, Timeout())).Data));

        await member.UpdateAsync(Bytes("mine again"), Timeout());
        Assert.Equal("mine again", Text((await Client.GetDataAsync($"{Parent}/node-a", false, Timeout())).Data));
    }

    [Fact]
    public async Task Joining_again_on_the_same_session_takes_up_the_members_node_with_the_new_data()
    {
        var client = await ConnectOwnAsync();
        await new GroupMembership(client, Parent).JoinAsync("node-a", Bytes("first"), Timeout());
        var again = new GroupMembership(client, Parent);

        var change = await again.JoinAsync("node-a", Bytes("second"), Timeout());

        Assert.Equal(MembershipStatus.Joined, change.After);
        var node = await Client.GetDataAsync($"{Parent}/node-a", false, Timeout());
        Assert.Equal((client.SessionId, "second"), (node.Stat.EphemeralOwner, Text(node.Data)));
        await again.UpdateAsync(Bytes("third"), Timeout());
        Assert.Equal("third", Text((await Client.GetDataAsync($"{Parent}/node-a", false, Timeout())).Data));
    }

    [Fact]
    public async Task A_member_whose_create_reply_was_lost_joins_again_on_its_own_node_instead_of_waiting_for_itself()
    {
        await Client.CreateAsync(Parent, Bytes(""), CreateMode.Persistent, null, Timeout());
        var flaky = new FlakyZooKeeperClient(Client) { LoseReplies = 1 };
        var member = new GroupMembership(flaky, Parent);

        await Assert.ThrowsAsync<ConnectionLossException>(() => member.JoinAsync("node-a", Bytes("up"), Timeout()));
        var change = await member.JoinAsync("node-a", Bytes("up"), Timeout());

        Assert.Equal(MembershipStatus.Joined, change.After);
        Assert.Equal(Client.SessionId, (await Client.ExistsAsync($"{Parent}/node-a", false, Timeout()))!.EphemeralOwner);
    }

    [Fact]
    public async Task After_an_update_whose_reply_was_lost_the_next_update_starts_from_the_node_and_succeeds()
    {
        var flaky = new FlakyZooKeeperClient(Client) { LoseReplies = 0 };
        var member = new GroupMembership(flaky, Parent);
        await member.JoinAsync("node-a", Bytes("v1"), Timeout());
        flaky.LoseReplies = 1;

        await Assert.ThrowsAsync<ConnectionLossException>(() => member.UpdateAsync(Bytes("v2"), Timeout()));
        await member.UpdateAsync(Bytes("v3"), Timeout());

        var node = await Client.GetDataAsync($"{Parent}/node-a", false, Timeout());
        Assert.Equal(("v3", 2), (Text(node.Data), node.Stat.Version));
    }

    [Fact]
    public async Task A_member_watching_the_list_is_told_once_when_another_member_joins()
    {
        var client = await ConnectOwnAsync();
        var events = Own(new WatchRecorder(client));
        var watcher = new GroupMembership(client, Parent);
        await watcher.JoinAsync("node-a", Bytes(""), Timeout());
        await watcher.MembersAsync(watch: true, Timeout());

        await new GroupMembership(await ConnectOwnAsync(), Parent).JoinAsync("node-b", Bytes(""), Timeout());
        await events.WaitForAsync(WatchEventType.NodeChildrenChanged, Parent);
        var changes = await events.HandOnAsync(watcher.HandleAsync);

        Assert.Equal([new MembershipChange(MembershipStatus.Joined, MembershipStatus.Joined, MembersChanged: true)], changes);
        Assert.False((await watcher.HandleAsync(new WatchEvent(WatchEventType.NodeChildrenChanged, Parent), Timeout())).MembersChanged);
    }

    private async Task<ZooKeeperClient> ConnectOwnAsync() => Own(await ConnectAsync(Fixture.ConnectionString));

    private T Own<T>(T disposable)
        where T : IAsyncDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }
}
