using JobLog.ZooKeeper.Watches;
using Xunit;
using static JobLog.Integration.ZooKeeper.ZooKeeperTest;

namespace JobLog.Integration.ZooKeeper;

/// <summary>One subscriber's bounded buffer on its own: offers never wait, and what does not fit is announced in order.</summary>
public sealed class WatchSubscriptionTests
{
    [Fact]
    public async Task Events_past_the_capacity_become_one_notice_after_the_buffered_ones_naming_their_common_ancestor()
    {
        using var subscription = new WatchSubscription(3, _ => { });
        string[] paths = ["/a/b/1", "/a/b/2", "/a/b/3", "/a/b/c/4", "/a/b/d/5", "/a/b/c/6"];

        foreach (var path in paths)
            subscription.Offer(new WatchEvent(WatchEventType.NodeCreated, path));
        subscription.Complete();

        Assert.Equal(
            [
                new WatchEvent(WatchEventType.NodeCreated, "/a/b/1"),
                new WatchEvent(WatchEventType.NodeCreated, "/a/b/2"),
                new WatchEvent(WatchEventType.NodeCreated, "/a/b/3"),
                new WatchEvent(WatchEventType.EventsDropped, "/a/b") { Dropped = 3 },
            ],
            await ReadAllAsync(subscription));
    }

    [Fact]
    public async Task Events_are_taken_again_once_the_notice_was_read_and_the_next_overflow_gets_a_notice_of_its_own()
    {
        using var subscription = new WatchSubscription(1, _ => { });
        var log = new EventLog();
        var sent = new List<WatchEvent>();

        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 4; i++)
            {
                var watchEvent = new WatchEvent(WatchEventType.NodeDataChanged, $"/r{round}/n{i}");
                sent.Add(watchEvent);
                subscription.Offer(watchEvent);
            }

            log.Add((await subscription.ReadAsync(Timeout()))!);
            log.Add((await subscription.ReadAsync(Timeout()))!);
        }

        log.AssertAccountsInOrder(sent);
        Assert.Equal(6, log.Events.Count);
        Assert.Equal(new WatchEvent(WatchEventType.EventsDropped, "/r2") { Dropped = 3 }, log.Events[^1]);
    }

    [Fact]
    public async Task A_completed_subscription_ends_after_what_it_buffered_and_takes_nothing_more()
    {
        using var subscription = new WatchSubscription(4, _ => { });
        subscription.Offer(new WatchEvent(WatchEventType.NodeDeleted, "/x"));

        subscription.Complete();
        subscription.Offer(new WatchEvent(WatchEventType.NodeDeleted, "/y"));

        Assert.Equal([new WatchEvent(WatchEventType.NodeDeleted, "/x")], await ReadAllAsync(subscription));
    }

    [Theory]
    [InlineData("/a/b", "/a/b", "/a/b")]
    [InlineData("/a/b", "/a/b/c", "/a/b")]
    [InlineData("/a/b/c", "/a/b", "/a/b")]
    [InlineData("/a/bc", "/a/bd", "/a")]
    [InlineData("/a/b", "/a/bc", "/a")]
    [InlineData("/ab", "/ac", "/")]
    [InlineData("/", "/a", "/")]
    [InlineData("/a", "/", "/")]
    [InlineData("/x/y", "/z", "/")]
    public void The_common_ancestor_ends_at_a_node_boundary(string a, string b, string expected)
    {
        Assert.Equal(expected, WatchSubscription.CommonAncestor(a, b));
    }

    private static async Task<List<WatchEvent>> ReadAllAsync(WatchSubscription subscription)
    {
        var events = new List<WatchEvent>();
        while (await subscription.ReadAsync(Timeout()) is { } watchEvent)
            events.Add(watchEvent);
        return events;
    }
}
