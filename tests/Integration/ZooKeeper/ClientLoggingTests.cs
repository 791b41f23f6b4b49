using JobLog.Integration.Api;
using JobLog.Integration.Fixtures;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using JobLog.ZooKeeper.Watches;
using Microsoft.Extensions.Logging;
using Xunit;
using static JobLog.Integration.ZooKeeper.ZooKeeperTest;

namespace JobLog.Integration.ZooKeeper;

/// <summary>What the client handles on its own (no caller to throw to) goes to its logger, with named fields.</summary>
[Collection(ZooKeeperFixture.Collection)]
public sealed class ClientLoggingTests(ZooKeeperFixture zookeeper)
{
    private readonly CapturedLogs _logs = new();

    [Fact]
    public async Task A_watch_handler_that_throws_is_logged_with_the_event_and_the_next_event_still_reaches_it()
    {
        await using var client = await ZooKeeperClient.ConnectAsync(WithLogger(zookeeper.ConnectionString), Timeout());
        var root = await NewRootAsync(client, "log");
        var handled = new EventLog();
        using var subscription = client.SubscribeWatchEvents((e, _) =>
        {
            handled.Add(e);
            return e.Type == WatchEventType.NodeCreated ? throw new InvalidOperationException("handler bug") : ValueTask.CompletedTask;
        });

        await client.ExistsAsync($"{root}/a", watch: true, Timeout());
        await client.CreateAsync($"{root}/a", Bytes("1"), CreateMode.Persistent, null, Timeout());
        await Eventually(() => handled.Events.Count == 1, Patience, () => $"the created event reached the handler ({handled})");
        await client.ExistsAsync($"{root}/a", watch: true, Timeout());
        await client.SetDataAsync($"{root}/a", Bytes("2"), -1, Timeout());

        await Eventually(() => handled.Events.Count == 2, Patience, () => $"the next event reached the handler ({handled})");
        var failure = Assert.Single(_logs.Entries, e => e.Exception is InvalidOperationException);
        Assert.Equal(LogLevel.Error, failure.Level);
        Assert.Contains($"NodeCreated {root}/a", failure.Message);
    }

    [Fact]
    public async Task A_failed_connection_attempt_is_logged_with_the_server_and_the_reason()
    {
        await using var hangsUp = new LoopbackListener((socket, _) =>
        {
            socket.Dispose();
            return Task.CompletedTask;
        });
        var options = WithLogger(hangsUp.ConnectionString) with { ConnectTimeout = TimeSpan.FromSeconds(2) };

        await Assert.ThrowsAsync<ConnectionLossException>(() => ZooKeeperClient.ConnectAsync(options, Timeout()));

        var failure = _logs.Entries.First(e => e.Level == LogLevel.Warning);
        Assert.Contains($"Connecting to ZooKeeper server {hangsUp.ConnectionString} failed", failure.Message);
        Assert.NotNull(failure.Exception);
    }

    [Fact]
    public async Task A_dropped_connection_is_logged_with_its_reason_and_every_session_state_change_is_logged()
    {
        var dropNow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new FakeZooKeeperServer(afterHandshake: async (connection, stream, ct) =>
        {
            if (connection != 1)
                return;
            await dropNow.Task.WaitAsync(ct);
            await stream.WriteAsync(new byte[] { 0xFF, 0xFF, 0xFF, 0xFB }, ct);
        });
        await using var client = await ZooKeeperClient.ConnectAsync(WithLogger(server.ConnectionString), Timeout());
        await using var states = new StateRecorder(client);

        dropNow.SetResult();
        await states.WaitForAsync(SessionState.Connected, Patience, after: 2);

        // A state is logged just after its subscribers get it, so the last line may trail the recorder a little.
        await Eventually(() => SessionLines().Count == 3, Patience, () => $"three session states logged ({string.Join(" | ", SessionLines())})");
        Assert.Equal(
            ["ZooKeeper session 0x1234 connected", "ZooKeeper session 0x1234 is Disconnected", "ZooKeeper session 0x1234 connected"],
            SessionLines().Select(line => line.Split(" to ")[0]));
        var ended = Assert.Single(_logs.Entries, e => e.Message.Contains("ended", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, ended.Level);
        Assert.Contains($"Connection to ZooKeeper server {server.ConnectionString} for session 0x1234 ended: reader: bad frame length -5", ended.Message);
    }

    private List<string> SessionLines() =>
        [.. _logs.Entries.Select(e => e.Message).Where(m => m.StartsWith("ZooKeeper session", StringComparison.Ordinal))];

    private ZooKeeperClientOptions WithLogger(string connectionString) =>
        Options(connectionString) with { Logger = _logs.CreateLogger("JobLog.ZooKeeper") };
}
