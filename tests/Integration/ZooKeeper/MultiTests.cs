using JobLog.Integration.Fixtures;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using Xunit;
using static JobLog.Integration.ZooKeeper.ZooKeeperTest;

namespace JobLog.Integration.ZooKeeper;

[Collection(ZooKeeperFixture.Collection)]
public sealed class MultiTests(ZooKeeperFixture zookeeper) : ClientTestBase(zookeeper)
{
    [Fact]
    public async Task A_multi_applies_create_set_check_and_delete_together()
    {
        await Client.CreateAsync($"{Root}/old", Bytes(""), CreateMode.Persistent, null, Timeout());
        await Client.CreateAsync($"{Root}/v", Bytes("0"), CreateMode.Persistent, null, Timeout());

        var result = await Client.MultiAsync(
            [
                MultiOp.Check(Root, 0),
                MultiOp.Create($"{Root}/new", Bytes("n")),
                MultiOp.SetData($"{Root}/v", Bytes("1"), 0),
                MultiOp.Delete($"{Root}/old", -1),
            ],
            Timeout());

        Assert.True(result.Succeeded);
        Assert.Null(result.FirstError);
        Assert.Equal([MultiOpKind.Check, MultiOpKind.Create, MultiOpKind.SetData, MultiOpKind.Delete], result.Results.Select(r => r.Kind!.Value));
        Assert.Equal($"{Root}/new", result.Results[1].Path);
        Assert.Equal(1, result.Results[2].Stat!.Version);
        Assert.Null(await Client.ExistsAsync($"{Root}/old", false, Timeout()));
        Assert.Equal("1", Text((await Client.GetDataAsync($"{Root}/v", false, Timeout())).Data));
    }

    [Fact]
    public async Task A_failing_multi_applies_nothing_and_reports_ok_then_the_code_then_runtime_inconsistency()
    {
        var result = await Client.MultiAsync(
            [
                MultiOp.Create($"{Root}/a", Bytes("")),
                MultiOp.Delete($"{Root}/missing", -1),
                MultiOp.Create($"{Root}/b", Bytes("")),
            ],
            Timeout());

        Assert.False(result.Succeeded);
        Assert.Equal([ErrorCode.Ok, ErrorCode.NoNode, ErrorCode.RuntimeInconsistency], result.Results.Select(r => r.Error));
        Assert.Equal((1, ErrorCode.NoNode), result.FirstError);
        Assert.Null(await Client.ExistsAsync($"{Root}/a", false, Timeout()));
        Assert.Null(await Client.ExistsAsync($"{Root}/b", false, Timeout()));
    }

    [Fact]
    public async Task A_stale_check_fails_the_whole_multi_with_BadVersion()
    {
        await Client.SetDataAsync(Root, Bytes("moved"), -1, Timeout());

        var result = await Client.MultiAsync(
            [MultiOp.Check(Root, 0), MultiOp.Create($"{Root}/guarded", Bytes(""))],
            Timeout());

        Assert.Equal([ErrorCode.BadVersion, ErrorCode.RuntimeInconsistency], result.Results.Select(r => r.Error));
        Assert.Null(await Client.ExistsAsync($"{Root}/guarded", false, Timeout()));
    }

    [Fact]
    public async Task A_multi_creates_sequential_nodes_and_returns_their_names()
    {
        var result = await Client.MultiAsync(
            [MultiOp.Create($"{Root}/s-", Bytes(""), CreateMode.PersistentSequential), MultiOp.Create($"{Root}/s-", Bytes(""), CreateMode.PersistentSequential)],
            Timeout());

        Assert.Equal([$"{Root}/s-0000000000", $"{Root}/s-0000000001"], result.Results.Select(r => r.Path));
    }

    [Fact]
    public async Task An_oversize_multi_fails_fast()
    {
        var half = new byte[600 * 1024];

        Assert.Throws<ArgumentException>(() =>
        {
            _ = Client.MultiAsync([MultiOp.Create($"{Root}/a", half), MultiOp.Create($"{Root}/b", half)], Timeout());
        });

        Assert.Null(await Client.ExistsAsync($"{Root}/a", false, Timeout()));
    }
}
