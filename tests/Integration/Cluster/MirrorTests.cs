using System.Collections.Immutable;
using JobLog.Cluster;
using JobLog.Integration.Fixtures;
using JobLog.Model;
using JobLog.Node;
using JobLog.Store;
using JobLog.Testing;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Watches;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using static JobLog.Integration.ZooKeeper.ZooKeeperTest;

namespace JobLog.Integration.Cluster;

/// <summary>The mirror, the relay and the apply path on a real ZooKeeper server, over an in-memory store.</summary>
[Collection(ZooKeeperFixture.Collection)]
public sealed class MirrorTests(ZooKeeperFixture zookeeper) : IAsyncLifetime
{
    private static readonly Provenance By = new("tester", "node-a", null);

    private readonly InMemoryJobEventStore _store = new(TimeProvider.System);
    private readonly ClusterPaths _paths = new(ZooKeeperFixture.UniquePath("cluster"));
    private ZooKeeperClient _client = null!;

    public async Task InitializeAsync()
    {
        _client = await ConnectAsync(zookeeper.ConnectionString);
        await ClusterLayout.EnsureAsync(_client, _paths, Timeout());
    }

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [Fact]
    public async Task A_job_the_znode_never_saw_is_mirrored_version_by_version_with_its_data_version_one_behind_the_stream()
    {
        var job = JobId.Parse("nightly");
        var stream = await AppendHistoryAsync(job, changes: 3);
        var seen = await WatchJobsAsync(_client);

        Assert.True(await Mirror().MirrorAsync(_client, job, 4, null, null, Timeout()));

        var node = await _client.GetDataAsync(_paths.Job(job), false, Timeout());
        Assert.Equal(3, node.Stat.Version);
        Assert.Equal(stream[^1], JobZnode.TryDecode(job, node.Data));
        await Eventually(() => seen.Count == 4, Patience, () => $"4 notifications, saw {string.Join(", ", seen)}");
        Assert.Equal([WatchEventType.NodeCreated, .. Enumerable.Repeat(WatchEventType.NodeDataChanged, 3)], seen.Select(e => e.Type));
    }

    [Fact]
    public async Task Mirrors_racing_on_one_job_from_two_sessions_end_at_the_newest_version_having_written_each_once()
    {
        var job = JobId.Parse("raced");
        await AppendHistoryAsync(job, changes: 7);
        await using var other = await ConnectAsync(zookeeper.ConnectionString);
        var seen = await WatchJobsAsync(_client);

        await Task.WhenAll(
            Mirror().MirrorAsync(_client, job, 6, null, null, Timeout()),
            Mirror().MirrorAsync(other, job, 8, null, null, Timeout()),
            Mirror().MirrorAsync(_client, job, 8, null, null, Timeout()));

        Assert.Equal(7, (await _client.ExistsAsync(_paths.Job(job), false, Timeout()))!.Version);
        await Eventually(() => seen.Count == 8, Patience, () => $"8 notifications, saw {seen.Count}");
        Assert.Equal(8, seen.Count);
    }

    [Fact]
    public async Task Mirroring_a_version_the_znode_already_holds_writes_nothing()
    {
        var job = JobId.Parse("ahead");
        await AppendHistoryAsync(job, changes: 4);
        await Mirror().MirrorAsync(_client, job, 5, null, null, Timeout());
        var before = await _client.ExistsAsync(_paths.Job(job), false, Timeout());

        Assert.True(await Mirror().MirrorAsync(_client, job, 3, null, null, Timeout()));

        Assert.Equal(before, await _client.ExistsAsync(_paths.Job(job), false, Timeout()));
    }

    [Fact]
    public async Task The_relay_mirrors_every_job_of_the_store_feed_and_then_records_the_position()
    {
        var jobs = new[] { JobId.Parse("a"), JobId.Parse("b"), JobId.Parse("c") };
        foreach (var (job, i) in jobs.Select((j, i) => (j, i)))
            await AppendHistoryAsync(job, changes: i);
        var last = (await _store.ReadAllAsync(0, 100, Timeout())).Next;

        var read = await Relay().RelayOnceAsync(_client, Timeout());

        Assert.Equal(6, read);
        foreach (var (job, i) in jobs.Select((j, i) => (j, i)))
            Assert.Equal(i, (await _client.ExistsAsync(_paths.Job(job), false, Timeout()))!.Version);
        var position = MirrorPosition.Decode((await _client.GetDataAsync(_paths.Mirror, false, Timeout())).Data);
        Assert.Equal(last, position.Sequence);
        Assert.Equal(0, await Relay().RelayOnceAsync(_client, Timeout()));
    }

    [Fact]
    public async Task A_node_applying_the_watch_events_ends_with_the_fold_of_the_store()
    {
        var node = CatchUpNode.Over(_store);
        await node.CatchUp.LoadAsync(Timeout());
        var feed = new ZooKeeperFeed(_paths, node.Feed, node.CatchUp, NullLogger<ZooKeeperFeed>.Instance);
        await using var reader = await ConnectAsync(zookeeper.ConnectionString);
        var events = reader.WatchEvents(Timeout()).GetAsyncEnumerator();
        await feed.WatchAsync(reader, Timeout());
        var jobs = new[] { JobId.Parse("x"), JobId.Parse("y") };
        foreach (var job in jobs)
            await AppendHistoryAsync(job, changes: 2);

        await Relay().RelayOnceAsync(_client, Timeout());
        var expected = Schedule.Fold((await _store.ReadAllAsync(0, 100, Timeout())).Events);
        while (ScheduleDigest.Of(node.Holder.Current) != ScheduleDigest.Of(expected))
        {
            Assert.True(await events.MoveNextAsync(), "the watch stream ended before the node caught up");
            await feed.HandleAsync(reader, events.Current, Timeout());
        }

        Assert.Equal(ScheduleSerializer.ToCanonicalJson(expected), ScheduleSerializer.ToCanonicalJson(node.Holder.Current));
        Assert.Equal(0, node.Status.TailSequence);
    }

    [Fact]
    public async Task Under_a_chroot_the_relay_mirrors_inside_it_and_a_node_applies_from_there()
    {
        var chroot = ZooKeeperFixture.UniquePath("chroot");
        await _client.CreateAsync(chroot, Array.Empty<byte>(), CreateMode.Persistent, null, Timeout());
        var paths = new ClusterPaths("/joblog");
        await using var writer = await ConnectAsync(zookeeper.ConnectionString + chroot);
        await using var reader = await ConnectAsync(zookeeper.ConnectionString + chroot);
        await ClusterLayout.EnsureAsync(writer, paths, Timeout());
        var node = CatchUpNode.Over(_store);
        await node.CatchUp.LoadAsync(Timeout());
        var feed = new ZooKeeperFeed(paths, node.Feed, node.CatchUp, NullLogger<ZooKeeperFeed>.Instance);
        var events = reader.WatchEvents(Timeout()).GetAsyncEnumerator();
        await feed.WatchAsync(reader, Timeout());
        var job = JobId.Parse("rooted");
        await AppendHistoryAsync(job, changes: 2);

        var relay = new MirrorRelay(
            paths, new JobMirror(paths, _store, NullLogger<JobMirror>.Instance), _store, new ScheduleHolder(),
            Microsoft.Extensions.Options.Options.Create(new ClusterOptions()), NullLogger<MirrorRelay>.Instance);
        await relay.RelayOnceAsync(writer, Timeout());
        var expected = Schedule.Fold((await _store.ReadAllAsync(0, 100, Timeout())).Events);
        while (ScheduleDigest.Of(node.Holder.Current) != ScheduleDigest.Of(expected))
        {
            Assert.True(await events.MoveNextAsync(), "the watch stream ended before the node caught up");
            await feed.HandleAsync(reader, events.Current, Timeout());
        }

        Assert.Equal(2, (await _client.ExistsAsync($"{chroot}/joblog/jobs/rooted", false, Timeout()))!.Version);
        Assert.Equal(0, node.Status.TailSequence);
    }

    private async Task<IReadOnlyList<RecordedEvent>> AppendHistoryAsync(JobId job, int changes)
    {
        var definition = new JobDefinition("n", "0 3 * * *", "UTC",
            new WebhookTarget("https://example.test/hook", "POST", ImmutableSortedDictionary<string, string>.Empty, null, 30));
        var events = new List<IJobEvent> { new JobAdded(job, definition, true, By) };
        for (var i = 0; i < changes; i++)
            events.Add(i % 2 == 0 ? new JobPaused(job, By) : new JobResumed(job, By));
        var recorded = new List<RecordedEvent>();
        foreach (var (change, version) in events.Select((e, i) => (e, i)))
            recorded.Add(((Appended)await _store.AppendAsync(job, version, change, Timeout())).Recorded);
        return recorded;
    }

    private async Task<List<WatchEvent>> WatchJobsAsync(ZooKeeperClient client)
    {
        var seen = new List<WatchEvent>();
        client.SubscribeWatchEvents((e, _) =>
        {
            lock (seen)
                seen.Add(e);
            return ValueTask.CompletedTask;
        });
        await client.AddWatchAsync(_paths.Jobs, AddWatchMode.PersistentRecursive, Timeout());
        return seen;
    }

    private JobMirror Mirror() => new(_paths, _store, NullLogger<JobMirror>.Instance);

    private MirrorRelay Relay() => new(
        _paths, Mirror(), _store, new ScheduleHolder(), Microsoft.Extensions.Options.Options.Create(new ClusterOptions()), NullLogger<MirrorRelay>.Instance);
}
