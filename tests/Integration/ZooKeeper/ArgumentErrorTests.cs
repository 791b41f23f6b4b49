using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using JobLog.ZooKeeper.Protocol;
using JobLog.ZooKeeper.Watches;
using Xunit;
using static JobLog.Integration.ZooKeeper.ZooKeeperTest;

namespace JobLog.Integration.ZooKeeper;

/// <summary>
/// Every argument error of every operation is thrown on the caller's thread before anything is sent: checked against a
/// fake server that records what reaches it, so "nothing was sent" is seen, not assumed.
/// </summary>
public sealed class ArgumentErrorTests
{
    /// <summary>The longest path the client sends: one path alone must fit a setWatches2 frame (see PathValidation).</summary>
    internal const int MaxServerPathBytes = 0xFFFFF - 40;

    private delegate Task Operation(ZooKeeperClient client, string path);

    private static readonly Dictionary<string, (Operation Call, bool Sequential)> Operations = new()
    {
        ["create"] = ((c, p) => c.CreateAsync(p, Bytes(""), CreateMode.Persistent, null, Timeout()), false),
        ["create sequential"] = ((c, p) => c.CreateAsync(p, Bytes(""), CreateMode.EphemeralSequential, null, Timeout()), true),
        ["create with ttl"] = ((c, p) => c.CreateAsync(p, Bytes(""), CreateMode.PersistentWithTtl, null, TimeSpan.FromMinutes(1), Timeout()), false),
        ["create2"] = ((c, p) => c.Create2Async(p, Bytes(""), CreateMode.Container, null, null, Timeout()), false),
        ["delete"] = ((c, p) => c.DeleteAsync(p, -1, Timeout()), false),
        ["exists"] = ((c, p) => c.ExistsAsync(p, false, Timeout()), false),
        ["exists with watch"] = ((c, p) => c.ExistsAsync(p, true, Timeout()), false),
        ["getData"] = ((c, p) => c.GetDataAsync(p, false, Timeout()), false),
        ["getData with watch"] = ((c, p) => c.GetDataAsync(p, true, Timeout()), false),
        ["setData"] = ((c, p) => c.SetDataAsync(p, Bytes("x"), -1, Timeout()), false),
        ["getChildren"] = ((c, p) => c.GetChildrenAsync(p, false, Timeout()), false),
        ["getChildren with watch"] = ((c, p) => c.GetChildrenAsync(p, true, Timeout()), false),
        ["sync"] = ((c, p) => c.SyncAsync(p, Timeout()), false),
        ["addWatch"] = ((c, p) => c.AddWatchAsync(p, AddWatchMode.Persistent, Timeout()), false),
        ["addWatch recursive"] = ((c, p) => c.AddWatchAsync(p, AddWatchMode.PersistentRecursive, Timeout()), false),
        ["removeWatches"] = ((c, p) => c.RemoveWatchesAsync(p, WatcherType.Any, Timeout()), false),
        ["multi create"] = ((c, p) => c.MultiAsync([MultiOp.Check("/ok", -1), MultiOp.Create(p, Bytes(""))], Timeout()), false),
        ["multi create sequential"] = ((c, p) => c.MultiAsync([MultiOp.Create(p, Bytes(""), CreateMode.PersistentSequential)], Timeout()), true),
        ["multi delete"] = ((c, p) => c.MultiAsync([MultiOp.Delete(p)], Timeout()), false),
        ["multi setData"] = ((c, p) => c.MultiAsync([MultiOp.SetData(p, Bytes("x"))], Timeout()), false),
        ["multi check"] = ((c, p) => c.MultiAsync([MultiOp.Check(p, 0)], Timeout()), false),
    };

    /// <summary>Paths PathUtils.validatePath refuses in every mode, each with the words the error must say, plus two too long to send.</summary>
    private static readonly (string Path, string Reason)[] BadPaths =
    [
        ("", "empty"),
        ("relative/x", "start with '/'"),
        ("a", "start with '/'"),
        ("/a//x", "empty node name"),
        ("//a", "empty node name"),
        ("/./a", "'.' and '..'"),
        ("/../a", "'.' and '..'"),
        ("/a/./b", "'.' and '..'"),
        ("/a/../b", "'.' and '..'"),
        ("/a\0b", "NUL"),
        ("/a\u0001b", "U+0001"),
        ("/a\u001fb", "U+001F"),
        ("/a\u007fb", "U+007F"),
        ("/a\u009fb", "U+009F"),
        ("/a\ud800b", "U+D800"),
        ("/\ud83d\ude00", "U+D83D"),
        ("/a\ue000b", "U+E000"),
        ("/a\uf8ffb", "U+F8FF"),
        ("/a\ufff0b", "U+FFF0"),
        ("/a\uffffb", "U+FFFF"),
        ("/" + new string('p', MaxServerPathBytes), "jute.maxbuffer"),
        ("/" + new string('\u00e9', (MaxServerPathBytes / 2) + 1), "jute.maxbuffer"),
    ];

    /// <summary>Refused too, except by a sequential create, which is checked as the path with the counter appended.</summary>
    private static readonly (string Path, string Reason)[] BadUnlessSequential =
    [
        ("/a/", "end with '/'"),
        ("/a/b/", "end with '/'"),
        ("//", "end with '/'"),
        ("/a/.", "'.' and '..'"),
        ("/a/..", "'.' and '..'"),
    ];

    public static TheoryData<string> OperationNames => [.. Operations.Keys];

    [Theory]
    [MemberData(nameof(OperationNames))]
    public async Task Every_invalid_path_is_refused_on_the_callers_thread_naming_the_path_and_nothing_is_sent(string operation)
    {
        var (call, sequential) = Operations[operation];
        await using var server = new RecordingServer();
        await using var client = await ZooKeeperClient.ConnectAsync(Options(server.ConnectionString), Timeout());
        (string Path, string Reason)[] cases = [.. BadPaths, .. sequential ? [] : BadUnlessSequential];

        foreach (var (path, reason) in cases)
        {
            var error = Assert.Throws<BadArgumentsException>(() => { _ = call(client, path); });

            Assert.Equal(path, error.Path);
            Assert.Equal(ErrorCode.BadArguments, error.Code);
            Assert.Contains(reason, error.Message);
        }

        await server.AssertNothingButAsync(client, $"{operation} with {cases.Length} bad paths");
    }

    [Theory]
    [MemberData(nameof(OperationNames))]
    public async Task A_null_path_is_refused_on_the_callers_thread(string operation)
    {
        await using var server = new RecordingServer();
        await using var client = await ZooKeeperClient.ConnectAsync(Options(server.ConnectionString), Timeout());

        Assert.ThrowsAny<ArgumentNullException>(() => { _ = Operations[operation].Call(client, null!); });

        await server.AssertNothingButAsync(client, $"{operation} with a null path");
    }

    [Fact]
    public async Task A_path_ending_in_a_slash_or_a_dot_name_is_a_valid_sequential_create_and_nothing_else()
    {
        await using var server = new RecordingServer();
        await using var client = await ZooKeeperClient.ConnectAsync(Options(server.ConnectionString), Timeout());

        _ = client.CreateAsync("/q/", Bytes(""), CreateMode.PersistentSequential, null, Timeout()).ContinueWith(t => t.Exception, TaskScheduler.Default);
        _ = client.CreateAsync("/", Bytes(""), CreateMode.EphemeralSequential, null, Timeout()).ContinueWith(t => t.Exception, TaskScheduler.Default);
        _ = client.MultiAsync([MultiOp.Create("/q/..", Bytes(""), CreateMode.PersistentSequential)], Timeout()).ContinueWith(t => t.Exception, TaskScheduler.Default);
        Assert.Throws<BadArgumentsException>(() => { _ = client.CreateAsync("/q/", Bytes(""), CreateMode.Persistent, null, Timeout()); });
        Assert.Throws<BadArgumentsException>(() => { _ = client.CreateAsync("/q//", Bytes(""), CreateMode.PersistentSequential, null, Timeout()); });

        await Eventually(() => server.OpCodes.Count == 3, Patience, () => $"the three sequential creates reach the server; saw {string.Join(", ", server.OpCodes)}");
    }

    [Fact]
    public async Task Deleting_the_root_is_refused_alone_and_inside_a_multi()
    {
        await using var server = new RecordingServer();
        await using var client = await ZooKeeperClient.ConnectAsync(Options(server.ConnectionString), Timeout());

        var single = Assert.Throws<BadArgumentsException>(() => { _ = client.DeleteAsync("/", -1, Timeout()); });
        var multi = Assert.Throws<BadArgumentsException>(() => { _ = client.MultiAsync([MultiOp.Create("/a", Bytes("")), MultiOp.Delete("/")], Timeout()); });

        Assert.Contains("root cannot be deleted", single.Message);
        Assert.Contains("operation 1 (Delete) of the multi", multi.Message);
        await server.AssertNothingButAsync(client, "deletes of the root");
    }

    public static TheoryData<string> OversizeCalls =>
    [
        "create", "create with ttl", "create2", "setData", "multi", "addAuth",
    ];

    [Theory]
    [MemberData(nameof(OversizeCalls))]
    public async Task An_oversize_request_is_refused_on_the_callers_thread_and_nothing_is_sent(string operation)
    {
        await using var server = new RecordingServer();
        await using var client = await ZooKeeperClient.ConnectAsync(Options(server.ConnectionString), Timeout());
        var tooBig = new byte[0xFFFFF];
        Action call = operation switch
        {
            "create" => () => _ = client.CreateAsync("/a", tooBig, CreateMode.Persistent, null, Timeout()),
            "create with ttl" => () => _ = client.CreateAsync("/a", tooBig, CreateMode.PersistentWithTtl, null, TimeSpan.FromMinutes(1), Timeout()),
            "create2" => () => _ = client.Create2Async("/a", tooBig, CreateMode.Persistent, null, null, Timeout()),
            "setData" => () => _ = client.SetDataAsync("/a", tooBig, -1, Timeout()),
            "multi" => () => _ = client.MultiAsync([MultiOp.SetData("/a", tooBig.AsMemory(0, 600_000)), MultiOp.SetData("/b", tooBig.AsMemory(0, 600_000))], Timeout()),
            "addAuth" => () => _ = client.AddAuthAsync("digest", tooBig, Timeout()),
            _ => throw new ArgumentOutOfRangeException(nameof(operation)),
        };

        var error = Assert.Throws<ArgumentException>(call);

        Assert.Contains("jute.maxbuffer", error.Message);
        await server.AssertNothingButAsync(client, $"an oversize {operation}");
    }

    public static TheoryData<string> BadModeCalls =>
    [
        "ttl mode without a ttl", "ttl on a plain mode", "unknown create mode", "unknown watch mode", "unknown watcher type", "null multi",
        "null multi operation", "empty auth scheme",
    ];

    [Theory]
    [MemberData(nameof(BadModeCalls))]
    public async Task Every_other_argument_error_is_thrown_on_the_callers_thread(string operation)
    {
        await using var server = new RecordingServer();
        await using var client = await ZooKeeperClient.ConnectAsync(Options(server.ConnectionString), Timeout());
        Action call = operation switch
        {
            "ttl mode without a ttl" => () => _ = client.CreateAsync("/a", Bytes(""), CreateMode.PersistentWithTtl, null, Timeout()),
            "ttl on a plain mode" => () => _ = client.Create2Async("/a", Bytes(""), CreateMode.Persistent, null, TimeSpan.FromMinutes(1), Timeout()),
            "unknown create mode" => () => _ = client.CreateAsync("/a", Bytes(""), (CreateMode)42, null, Timeout()),
            "unknown watch mode" => () => _ = client.AddWatchAsync("/a", (AddWatchMode)42, Timeout()),
            "unknown watcher type" => () => _ = client.RemoveWatchesAsync("/a", (WatcherType)42, Timeout()),
            "null multi" => () => _ = client.MultiAsync(null!, Timeout()),
            "null multi operation" => () => _ = client.MultiAsync([MultiOp.Delete("/a"), null!], Timeout()),
            "empty auth scheme" => () => _ = client.AddAuthAsync("", Bytes("x"), Timeout()),
            _ => throw new ArgumentOutOfRangeException(nameof(operation)),
        };

        Assert.ThrowsAny<ArgumentException>(call);

        await server.AssertNothingButAsync(client, operation);
    }

    private static ZooKeeperClientOptions Options(string connectionString) => new(connectionString)
    {
        RequestTimeout = TimeSpan.FromSeconds(30),
        ConnectTimeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>A fake server that records the opcode of every request (pings excluded) and answers none of them.</summary>
    private sealed class RecordingServer : IAsyncDisposable
    {
        private readonly List<int> _opCodes = [];
        private readonly FakeZooKeeperServer _server;

        public RecordingServer() =>
            _server = new FakeZooKeeperServer(onRequest: (_, _, opCode, _, _) =>
            {
                lock (_opCodes)
                    _opCodes.Add(opCode);
                return Task.CompletedTask;
            });

        public string ConnectionString => _server.ConnectionString;

        public IReadOnlyList<int> OpCodes
        {
            get
            {
                lock (_opCodes)
                    return [.. _opCodes];
            }
        }

        /// <summary>
        /// Sends a sync behind whatever was sent before: requests arrive in order, so once the sync is there, anything
        /// queued earlier would be too. Then only the sync may have arrived, and the connection must still be up.
        /// </summary>
        public async Task AssertNothingButAsync(ZooKeeperClient client, string what)
        {
            _ = client.SyncAsync("/", CancellationToken.None).ContinueWith(t => t.Exception, TaskScheduler.Default);
            await Eventually(() => OpCodes.Count > 0, Patience, "the sync reaches the server");
            Assert.True(OpCodes.SequenceEqual([OpCode.Sync]), $"After {what} the server saw opcodes {string.Join(", ", OpCodes)}");
            Assert.Equal(SessionState.Connected, client.State);
            Assert.Equal(1, _server.Handshakes);
        }

        public ValueTask DisposeAsync() => _server.DisposeAsync();
    }
}
