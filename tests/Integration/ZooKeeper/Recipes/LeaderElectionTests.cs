using System.Globalization;
using JobLog.Integration.Fixtures;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using JobLog.ZooKeeper.Recipes;
using JobLog.ZooKeeper.Watches;
using Xunit;
using static JobLog.Integration.ZooKeeper.ZooKeeperTest;

namespace JobLog.Integration.ZooKeeper.Recipes;

/// <summary>
/// The election recipe against a real server, each candidate on a session of its own. The test is the owner: it hands
/// each candidate its watch events and session states, so every step is visible.
/// </summary>
[Collection(ZooKeeperFixture.Collection)]
public sealed class LeaderElectionTests(ZooKeeperFixture zookeeper) : ClientTestBase(zookeeper, "election")
{
    private readonly List<Candidate> _candidates = [];

    private string Parent => $"{Root}/leader";

    public override async Task DisposeAsync()
    {
        foreach (var candidate in _candidates)
            await candidate.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task Of_several_candidates_the_first_to_join_leads_alone_and_each_later_one_has_a_larger_epoch()
    {
        var candidates = await JoinAsync(4);

        Assert.Equal([true, false, false, false], candidates.Select(c => c.Election.IsLeader));
        Assert.Equal([ElectionRole.Leader, ElectionRole.Follower, ElectionRole.Follower, ElectionRole.Follower], candidates.Select(c => c.Election.View.Role));
        var epochs = candidates.Select(c => c.Election.Epoch!.Value).ToList();
        Assert.True(epochs.Zip(epochs.Skip(1)).All(pair => pair.First < pair.Second), $"epochs {string.Join(", ", epochs)} grow");
        var leader = new ElectedLeader("node-0", epochs[0]);
        Assert.All(candidates, c => Assert.Equal(leader, c.Election.Leader));
        Assert.Equal(leader, await candidates[3].Election.ReadLeaderAsync(Timeout()));
        Assert.Equal([null, candidates[0].Node, candidates[1].Node, candidates[2].Node], candidates.Select(c => c.Election.WatchedPath));
    }

    [Fact]
    public async Task Each_follower_holds_exactly_one_watch_on_the_server_and_it_is_on_its_immediate_predecessor()
    {
        var candidates = await JoinAsync(4);

        var watches = await WatchesBySessionAsync();

        Assert.False(watches.ContainsKey(candidates[0].Client.SessionId), "the leader watches nothing");
        for (var i = 1; i < candidates.Count; i++)
            Assert.Equal([candidates[i - 1].Node], watches[candidates[i].Client.SessionId]);
    }

    [Fact]
    public async Task When_the_leader_closes_its_session_only_its_successor_is_told_and_it_takes_over_with_a_larger_epoch()
    {
        var candidates = await JoinAsync(4);
        var first = candidates[0].Node;
        foreach (var candidate in candidates)
            await candidate.Client.ExistsAsync(Marker(candidate), watch: true, Timeout());

        await candidates[0].Client.DisposeAsync();
        await candidates[1].Events.WaitForAsync(WatchEventType.NodeDeleted, first);
        var changes = await candidates[1].DeliverAsync();

        Assert.True(Assert.Single(changes).BecameLeader);
        Assert.True(candidates[1].Election.Epoch > candidates[0].Election.Epoch);
        // Each marker is created after the deletion, so a candidate that was told of the deletion was told before its marker.
        foreach (var candidate in candidates.Skip(1))
        {
            await Client.CreateAsync(Marker(candidate), Bytes(""), CreateMode.Persistent, null, Timeout());
            await candidate.Events.WaitForAsync(WatchEventType.NodeCreated, Marker(candidate));
        }

        Assert.Equal([new WatchEvent(WatchEventType.NodeDeleted, first), new WatchEvent(WatchEventType.NodeCreated, Marker(candidates[1]))], candidates[1].Events.Events);
        Assert.Equal([new WatchEvent(WatchEventType.NodeCreated, Marker(candidates[2]))], candidates[2].Events.Events);
        Assert.Equal([new WatchEvent(WatchEventType.NodeCreated, Marker(candidates[3]))], candidates[3].Events.Events);
        Assert.Equal(new ElectedLeader("node-1", candidates[1].Election.Epoch!.Value), await candidates[3].Election.ReadLeaderAsync(Timeout()));
    }

    [Fact]
    public async Task When_the_leaders_session_expires_its_successor_takes_over_and_the_old_leader_stops_leading()
    {
        var candidates = await JoinAsync(3);
        await using var oldLeaderStates = new StateRecorder(candidates[0].Client);
        var first = candidates[0].Node;

        await SessionKiller.KillAsync("127.0.0.1", Fixture.Server.Port, candidates[0].Client.SessionId, candidates[0].Client.SessionPassword, Timeout());
        await candidates[1].Events.WaitForAsync(WatchEventType.NodeDeleted, first);
        var takeover = Assert.Single(await candidates[1].DeliverAsync());
        await oldLeaderStates.WaitForAsync(SessionState.Expired, Patience);
        var deposed = candidates[0].Election.SessionStateChanged(SessionState.Expired);

        Assert.True(takeover.BecameLeader);
        Assert.True(deposed.StoppedLeading);
        Assert.Equal(ElectionView.Out with { Leader = deposed.Before.Leader }, deposed.After);
        Assert.Null(candidates[0].Election.NodePath);

        // Its owner joins again on a new session: it stands behind everyone, with the largest epoch so far.
        var rejoined = await StartAsync("node-0");
        await rejoined.Election.JoinAsync(Timeout());
        Assert.Equal(ElectionRole.Follower, rejoined.Election.View.Role);
        Assert.True(rejoined.Election.Epoch > candidates[2].Election.Epoch);
        Assert.Equal(candidates[2].Node, rejoined.Election.WatchedPath);
    }

    [Fact]
    public async Task A_candidate_whose_predecessor_and_the_one_before_it_went_together_watches_the_next_one_still_standing()
    {
        var candidates = await JoinAsync(4);
        string[] gone = [candidates[1].Node, candidates[2].Node];

        await candidates[1].Client.DisposeAsync();
        await candidates[2].Client.DisposeAsync();
        await Eventually(async () => (await Client.GetChildrenAsync(Parent, false, Timeout())).Children.Count == 2, Patience, "two candidates left");
        await candidates[3].Events.WaitForAsync(WatchEventType.NodeDeleted, gone[1]);
        var changes = await candidates[3].DeliverAsync();

        Assert.False(Assert.Single(changes).Changed);
        Assert.Equal(candidates[0].Node, candidates[3].Election.WatchedPath);
        Assert.Equal(ElectionRole.Follower, candidates[3].Election.View.Role);

        var first = candidates[0].Node;
        await candidates[0].Client.DisposeAsync();
        await candidates[3].Events.WaitForAsync(WatchEventType.NodeDeleted, first);
        Assert.True(Assert.Single(await candidates[3].DeliverAsync()).BecameLeader);
    }

    [Fact]
    public async Task A_disconnected_leader_stops_leading_until_a_check_on_the_reconnected_session_confirms_it()
    {
        await using var proxy = new FreezableProxy(Fixture.Server.Port);
        var leader = await StartAsync("node-0", proxy.ConnectionString);
        await leader.Election.JoinAsync(Timeout());
        var follower = (await JoinAsync(1, firstIndex: 1))[0];
        await using var states = new StateRecorder(leader.Client);
        var epoch = leader.Election.Epoch;

        proxy.Drop();
        await states.WaitForAsync(SessionState.Disconnected, Patience);
        var suspended = leader.Election.SessionStateChanged(SessionState.Disconnected);

        Assert.True(suspended.StoppedLeading);
        Assert.Equal(ElectionRole.Suspended, leader.Election.View.Role);
        Assert.Equal(epoch, leader.Election.Epoch);
        Assert.False((await leader.Election.HandleAsync(new WatchEvent(WatchEventType.NodeDataChanged, $"{Root}/elsewhere"), Timeout())).Changed);
        Assert.False(leader.Election.IsLeader);

        await states.WaitForAsync(SessionState.Connected, Patience, after: 2);
        Assert.False(leader.Election.SessionStateChanged(SessionState.Connected).Changed);
        var confirmed = await leader.Election.CheckAsync(Timeout());

        Assert.True(confirmed.BecameLeader);
        Assert.Equal(epoch, leader.Election.Epoch);
        Assert.Equal(ElectionRole.Follower, follower.Election.View.Role);
    }

    [Fact]
    public async Task A_candidate_whose_create_reply_was_lost_joins_again_on_the_node_it_made_instead_of_standing_twice()
    {
        await Client.CreateAsync(Parent, Bytes(""), CreateMode.Persistent, null, Timeout());
        var flaky = new FlakyZooKeeperClient(Client) { LoseReplies = 1 };
        var election = new LeaderElection(flaky, Parent, "node-0");

        await Assert.ThrowsAsync<ConnectionLossException>(() => election.JoinAsync(Timeout()));
        var made = Assert.Single((await Client.GetChildrenAsync(Parent, false, Timeout())).Children);
        await election.JoinAsync(Timeout());
        var anotherInstance = new LeaderElection(Client, Parent, "node-0");
        await anotherInstance.JoinAsync(Timeout());

        Assert.Equal($"{Parent}/{made}", election.NodePath);
        Assert.Equal(election.NodePath, anotherInstance.NodePath);
        Assert.Equal(long.Parse(made[LeaderElection.NodePrefix.Length..], CultureInfo.InvariantCulture), election.Epoch);
        Assert.Single((await Client.GetChildrenAsync(Parent, false, Timeout())).Children);
        Assert.True(election.IsLeader);
    }

    [Fact]
    public async Task A_predecessor_that_goes_between_the_listing_and_the_watch_makes_the_candidate_list_again_and_watch_the_next_one_up()
    {
        var candidates = await JoinAsync(2);
        var flaky = new FlakyZooKeeperClient(Client) { LoseReplies = 0 };
        var election = new LeaderElection(flaky, Parent, "node-2");
        await election.JoinAsync(Timeout());
        var interfered = 0;
        flaky.AfterGetChildren = async _ =>
        {
            if (interfered++ == 0)
                await candidates[1].Client.DisposeAsync();
        };

        var change = await election.CheckAsync(Timeout());

        Assert.Equal(2, interfered);
        Assert.Equal(ElectionRole.Follower, change.After.Role);
        Assert.Equal(candidates[0].Node, election.WatchedPath);
    }

    [Fact]
    public async Task A_leader_that_leaves_hands_leadership_to_its_successor()
    {
        var candidates = await JoinAsync(2);
        var first = candidates[0].Node;

        var left = await candidates[0].Election.LeaveAsync(Timeout());
        await candidates[1].Events.WaitForAsync(WatchEventType.NodeDeleted, first);

        Assert.True(left.StoppedLeading);
        Assert.Null(await Client.ExistsAsync(first, false, Timeout()));
        Assert.True(Assert.Single(await candidates[1].DeliverAsync()).BecameLeader);
    }

    private async Task<List<Candidate>> JoinAsync(int count, int firstIndex = 0)
    {
        var joined = new List<Candidate>();
        for (var i = firstIndex; i < firstIndex + count; i++)
        {
            var candidate = await StartAsync($"node-{i}");
            await candidate.Election.JoinAsync(Timeout());
            joined.Add(candidate);
        }

        return joined;
    }

    private async Task<Candidate> StartAsync(string id, string? connectionString = null)
    {
        var candidate = await Candidate.StartAsync(connectionString ?? Fixture.ConnectionString, Parent, id);
        _candidates.Add(candidate);
        return candidate;
    }

    private string Marker(Candidate candidate) => $"{Root}/marker-{candidate.Id}";

    /// <summary>The server's watches by session (the four-letter word wchc): "0x&lt;session&gt;" lines, each followed by its paths.</summary>
    private async Task<Dictionary<long, List<string>>> WatchesBySessionAsync()
    {
        var bySession = new Dictionary<long, List<string>>();
        List<string>? current = null;
        foreach (var line in (await Fixture.Server.FourLetterWordAsync("wchc", Timeout())).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("0x", StringComparison.Ordinal))
                bySession[long.Parse(line.AsSpan(2).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture)] = current = [];
            else if (line.StartsWith('\t') && current is not null)
                current.Add(line.Trim());
        }

        return bySession;
    }
}
