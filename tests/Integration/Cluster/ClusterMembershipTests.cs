using JobLog.Cluster;
using JobLog.Integration.Fixtures;
using JobLog.Integration.ZooKeeper;
using JobLog.Node;
using JobLog.ZooKeeper.Recipes;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using static JobLog.Integration.ZooKeeper.ZooKeeperTest;

namespace JobLog.Integration.Cluster;

/// <summary>This node's entry under nodes/ against a real server, around the end of its session.</summary>
[Collection(ZooKeeperFixture.Collection)]
public sealed class ClusterMembershipTests(ZooKeeperFixture zookeeper) : ClientTestBase(zookeeper, "membership")
{
    [Fact]
    public async Task A_position_published_while_the_session_ends_is_dropped_quietly_and_the_next_join_publishes_it()
    {
        var paths = new ClusterPaths(Root);
        var membership = new ClusterMembership(
            paths, Microsoft.Extensions.Options.Options.Create(new NodeOptions { NodeId = "node-a" }), Microsoft.Extensions.Options.Options.Create(new ClusterOptions { Root = Root }),
            TimeProvider.System, NullLogger<GroupMembership>.Instance);
        var session = new FlakyZooKeeperClient(await ConnectAsync(Fixture.ConnectionString)) { LoseReplies = 0 };
        await membership.JoinAsync(session, appliedSequence: 1, digest: null, Timeout());

        // A check holds the membership's step inside its write; the publish passes its "joined?" test and queues behind
        // it; the session ends before the publish gets its turn.
        var checkWrites = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseCheck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        session.BeforeWrite = async _ =>
        {
            checkWrites.TrySetResult();
            await releaseCheck.Task;
        };
        var check = membership.CheckAsync(Timeout());
        await checkWrites.Task.WaitAsync(Timeout());
        var publish = membership.PublishAsync(appliedSequence: 2, digest: null, Timeout());
        membership.Forget();
        releaseCheck.SetResult();
        await check;
        session.BeforeWrite = null;

        await publish;
        await session.DisposeAsync();

        await using var next = await ConnectAsync(Fixture.ConnectionString);
        await membership.JoinAsync(next, appliedSequence: 2, digest: null, Timeout());
        var members = await membership.MembersAsync(Timeout());
        Assert.Equal([("node-a", 2L)], members.Select(m => (m.NodeId, m.AppliedSequence)));
    }
}
