using JobLog.Integration.Fixtures;
using JobLog.ZooKeeper;
using Xunit;
using static JobLog.Integration.ZooKeeper.ZooKeeperTest;

namespace JobLog.Integration.ZooKeeper;

[Collection(ZooKeeperFixture.Collection)]
public sealed class MultiTests(ZooKeeperFixture zookeeper) : IAsyncLifetime
{
    private ZooKeeperClient _client = null!;
    private string _root = null!;

    public async Task InitializeAsync()
    {
        _client = await ConnectAsync(zookeeper.ConnectionString);
        _root = await NewRootAsync(_client);
    }

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [Fact]
    public async Task A_multi_applies_create_set_check_and_delete_together()
    {
        await _client.CreateAsync($"{_root}/old", Bytes(""), CreateMode.Persistent, null, Timeout());
        await _client.CreateAsync($"{_root}/v", Bytes("0"), CreateMode.Persistent, null, Timeout());

        var result = await _client.MultiAsync(
            [
                MultiOp.Check(_root, 0),
                MultiOp.Create($"{_root}/new", Bytes("n")),
                MultiOp.SetData($"{_root}/v", Bytes("1"), 0),
                MultiOp.Delete($"{_root}/old", -1),
            ],
            Timeout());

        Assert.True(result.Succeeded);
        Assert.Null(result.FirstError);
        Assert.Equal([MultiOpKind.Check, MultiOpKind.Create, MultiOpKind.SetData, MultiOpKind.Delete], result.Results.Select(r => r.Kind!.Value));
        Assert.Equal($"{_root}/new", result.Results[1].Path);
        Assert.Equal(1, result.Results[2].Stat!.Version);
        Assert.Null(await _client.ExistsAsync($"{_root}/old", false, Timeout()));
        Assert.Equal("1", Text((await _client.GetDataAsync($"{_root}/v", false, Timeout())).Data));
    }

    [Fact]
    public async Task A_failing_multi_applies_nothing_and_reports_ok_then_the_code_then_runtime_inconsistency()
    {
        var result = await _client.MultiAsync(
            [
                MultiOp.Create($"{_root}/a", Bytes("")),
                MultiOp.Delete($"{_root}/missing", -1),
                MultiOp.Create($"{_root}/b", Bytes("")),
            ],
            Timeout());

        Assert.False(result.Succeeded);
        Assert.Equal([ErrorCode.Ok, ErrorCode.NoNode, ErrorCode.RuntimeInconsistency], result.Results.Select(r => r.Error));
        Assert.Equal((1, ErrorCode.NoNode), result.FirstError);
        Assert.Null(await _client.ExistsAsync($"{_root}/a", false, Timeout()));
        Assert.Null(await _client.ExistsAsync($"{_root}/b", false, Timeout()));
    }

    [Fact]
    public async Task A_stale_check_fails_the_whole_multi_with_BadVersion()
    {
        await _client.SetDataAsync(_root, Bytes("moved"), -1, Timeout());

        var result = await _client.MultiAsync(
            [MultiOp.Check(_root, 0), MultiOp.Create($"{_root}/guarded", Bytes(""))],
            Timeout());

        Assert.Equal([ErrorCode.BadVersion, ErrorCode.RuntimeInconsistency], result.Results.Select(r => r.Error));
        Assert.Null(await _client.ExistsAsync($"{_root}/guarded", false, Timeout()));
    }

    [Fact]
    public async Task A_multi_creates_sequential_nodes_and_returns_their_names()
    {
        var result = await _client.MultiAsync(
            [MultiOp.Create($"{_root}/s-", Bytes(""), CreateMode.PersistentSequential), MultiOp.Create($"{_root}/s-", Bytes(""), CreateMode.PersistentSequential)],
            Timeout());

        Assert.Equal([$"{_root}/s-0000000000", $"{_root}/s-0000000001"], result.Results.Select(r => r.Path));
    }

    [Fact]
    public async Task An_oversize_multi_fails_fast()
    {
        var half = new byte[600 * 1024];

        Assert.Throws<ArgumentException>(() =>
        {
            _ = _client.MultiAsync([MultiOp.Create($"{_root}/a", half), MultiOp.Create($"{_root}/b", half)], Timeout());
        });

        Assert.Null(await _client.ExistsAsync($"{_root}/a", false, Timeout()));
    }
}
