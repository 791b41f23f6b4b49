using System.Globalization;
using JobLog.Integration.Fixtures;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using Xunit;
using static JobLog.Integration.ZooKeeper.ZooKeeperTest;

namespace JobLog.Integration.ZooKeeper;

[Collection(ZooKeeperFixture.Collection)]
public sealed class PipeliningTests(ZooKeeperFixture zookeeper) : ClientTestBase(zookeeper)
{
    [Fact]
    public async Task Two_thousand_pipelined_reads_complete_in_request_order()
    {
        var path = await Client.CreateAsync($"{Root}/n", Bytes("start"), CreateMode.Persistent, null, Timeout());
        var writes = new List<Task<Stat>>();
        var reads = new List<(Task<NodeData> Read, string Expected)>();
        var current = "start";

        // Nothing is awaited until all 2,000 reads are queued: every tenth read follows a write it must observe.
        for (var i = 0; i < 2000; i++)
        {
            if (i % 10 == 0)
            {
                current = i.ToString(CultureInfo.InvariantCulture);
                writes.Add(Client.SetDataAsync(path, Bytes(current), -1, Timeout()));
            }

            reads.Add((Client.GetDataAsync(path, false, Timeout()), current));
        }

        var read = await Task.WhenAll(reads.Select(r => r.Read));
        var written = await Task.WhenAll(writes);
        Assert.Equal(reads.Select(r => r.Expected), read.Select(r => Text(r.Data)));
        Assert.Equal(Enumerable.Range(1, 200), written.Select(w => w.Version));
    }

    [Fact]
    public async Task Pipelined_requests_with_mixed_outcomes_each_get_their_own_result()
    {
        await Client.CreateAsync($"{Root}/present", Bytes("p"), CreateMode.Persistent, null, Timeout());

        var tasks = Enumerable.Range(0, 300)
            .Select(i => i % 2 == 0
                ? Client.GetDataAsync($"{Root}/present", false, Timeout())
                : Client.GetDataAsync($"{Root}/missing-{i}", false, Timeout()))
            .ToList();
        // Wait for every reply without an aggregate that nobody observes; each task is observed below.
        await Task.WhenAll(tasks.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));

        for (var i = 0; i < tasks.Count; i++)
        {
            if (i % 2 == 0)
                Assert.Equal("p", Text((await tasks[i]).Data));
            else
                Assert.Equal($"{Root}/missing-{i}", (await Assert.ThrowsAsync<NoNodeException>(() => tasks[i])).Path);
        }
    }
}
