using System.Buffers.Binary;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using JobLog.ZooKeeper.Protocol;
using Xunit;
using static JobLog.Integration.ZooKeeper.ZooKeeperTest;

namespace JobLog.Integration.ZooKeeper;

/// <summary>Protocol-level faults from a fake server: the client must drop the connection cleanly and reconnect.</summary>
public sealed class ProtocolFaultTests
{
    private static ZooKeeperClientOptions Options(string connectionString) => new(connectionString)
    {
        RequestTimeout = TimeSpan.FromSeconds(30),
        ConnectTimeout = TimeSpan.FromSeconds(30),
    };

    [Fact]
    public async Task A_frame_with_a_negative_length_drops_the_connection_and_the_client_reconnects()
    {
        var sendGarbage = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new FakeZooKeeperServer(afterHandshake: async (connection, stream, ct) =>
        {
            if (connection != 1)
                return;
            await sendGarbage.Task.WaitAsync(ct);
            await stream.WriteAsync(new byte[] { 0xFF, 0xFF, 0xFF, 0xFB, 1, 2, 3 }, ct);
        });
        await using var client = await ZooKeeperClient.ConnectAsync(Options(server.ConnectionString), Timeout());
        await using var states = new StateRecorder(client);
        await states.WaitForAsync(SessionState.Connected, Patience);

        sendGarbage.SetResult();

        await states.WaitForAsync(SessionState.Disconnected, Patience);
        await states.WaitForAsync(SessionState.Connected, Patience, after: 2);
        Assert.Equal(2, server.Handshakes);
    }

    [Fact]
    public async Task A_frame_longer_than_any_reply_drops_the_connection_and_the_client_reconnects()
    {
        await using var server = new FakeZooKeeperServer(afterHandshake: async (connection, stream, ct) =>
        {
            if (connection == 1)
                await stream.WriteAsync(new byte[] { 0x7F, 0xFF, 0xFF, 0xFF }, ct);
        });
        await using var client = await ZooKeeperClient.ConnectAsync(Options(server.ConnectionString), Timeout());

        await Eventually(() => server.Handshakes >= 2 && client.State == SessionState.Connected, Patience, "reconnected");
    }

    [Fact]
    public async Task A_reply_whose_body_is_truncated_fails_the_request_with_ConnectionLoss_and_reconnects()
    {
        await using var server = new FakeZooKeeperServer(onRequest: async (connection, xid, opCode, stream, ct) =>
        {
            // A getData reply that claims a 10-byte buffer but ends after the header and 2 bytes.
            var frame = new byte[4 + 16 + 4 + 2];
            BinaryPrimitives.WriteInt32BigEndian(frame, frame.Length - 4);
            BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(4), xid);
            BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(20), 10);
            await stream.WriteAsync(frame, ct);
        });
        await using var client = await ZooKeeperClient.ConnectAsync(Options(server.ConnectionString), Timeout());

        var error = await Assert.ThrowsAsync<ConnectionLossException>(() => client.GetDataAsync("/x", false, Timeout()));

        Assert.Contains("truncated", error.Message);
        await Eventually(() => server.Handshakes >= 2 && client.State == SessionState.Connected, Patience, "reconnected");
    }

    [Fact]
    public async Task A_reply_with_the_wrong_xid_fails_the_request_with_ConnectionLoss_and_reconnects()
    {
        await using var server = new FakeZooKeeperServer(onRequest: (connection, xid, opCode, stream, ct) =>
            stream.WriteAsync(FakeZooKeeperServer.ReplyHeader(xid + 100, 5, 0), ct).AsTask());
        await using var client = await ZooKeeperClient.ConnectAsync(Options(server.ConnectionString), Timeout());

        var error = await Assert.ThrowsAsync<ConnectionLossException>(() => client.DeleteAsync("/x", -1, Timeout()));

        Assert.Contains("xid", error.Message);
        await Eventually(() => server.Handshakes >= 2 && client.State == SessionState.Connected, Patience, "reconnected");
    }

    [Fact]
    public async Task Protocol_faults_leave_no_unobserved_task_exception()
    {
        var unobserved = new List<Exception>();
        EventHandler<UnobservedTaskExceptionEventArgs> record = (_, e) =>
        {
            if (e.Exception.ToString().Contains("JobLog.ZooKeeper", StringComparison.Ordinal))
            {
                lock (unobserved)
                    unobserved.Add(e.Exception);
            }
        };
        TaskScheduler.UnobservedTaskException += record;
        try
        {
            await using (var server = new FakeZooKeeperServer(
                afterHandshake: (connection, stream, ct) => connection < 4
                    ? stream.WriteAsync(new byte[] { 0, 0, 0, 20, 0, 0 }, ct).AsTask().ContinueWith(_ => stream.Close(), TaskScheduler.Default)
                    : Task.CompletedTask))
            {
                await using var client = await ZooKeeperClient.ConnectAsync(Options(server.ConnectionString), Timeout());
                await Eventually(() => server.Handshakes >= 4, Patience, "four handshakes");
            }

            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= record;
        }

        lock (unobserved)
            Assert.Empty(unobserved);
    }

    [Fact]
    public async Task A_request_without_a_reply_fails_with_OperationTimeout_at_its_deadline()
    {
        await using var server = new FakeZooKeeperServer();
        await using var client = await ZooKeeperClient.ConnectAsync(
            Options(server.ConnectionString) with { RequestTimeout = TimeSpan.FromMilliseconds(400) }, Timeout());
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<OperationTimeoutException>(() => client.GetDataAsync("/slow", false, Timeout()));

        Assert.Equal("/slow", error.Path);
        // Not before the deadline; the upper bound only catches a deadline that is ignored, so it allows a stalled machine.
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(350), Patience);
    }

    [Fact]
    public async Task Cancelling_a_request_in_flight_throws_OperationCanceled()
    {
        await using var server = new FakeZooKeeperServer();
        await using var client = await ZooKeeperClient.ConnectAsync(Options(server.ConnectionString), Timeout());
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetDataAsync("/slow", false, cancel.Token));

        Assert.Equal(SessionState.Connected, client.State);
    }

    [Fact]
    public async Task An_already_cancelled_token_sends_nothing()
    {
        var opCodes = new List<int>();
        await using var server = new FakeZooKeeperServer(onRequest: (_, _, opCode, _, _) =>
        {
            lock (opCodes)
                opCodes.Add(opCode);
            return Task.CompletedTask;
        });
        await using var client = await ZooKeeperClient.ConnectAsync(Options(server.ConnectionString), Timeout());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.CreateAsync("/x", Bytes(""), CreateMode.Persistent, null, new CancellationToken(true)));
        // Requests reach the server in the order they were sent, so once the sync sent after it has arrived, a
        // create that had gone out would have arrived too. The fake never answers, so the sync is left to the client's disposal.
        _ = client.SyncAsync("/", CancellationToken.None).ContinueWith(t => t.Exception, TaskScheduler.Default);
        await Eventually(() => { lock (opCodes) return opCodes.Count > 0; }, Patience, "the sync reaches the server");

        lock (opCodes)
            Assert.Equal([OpCode.Sync], opCodes);
    }

    [Fact]
    public async Task A_server_that_never_answers_the_handshake_is_left_in_time_to_rejoin_the_session()
    {
        // The fake grants 30 s sessions. Connection 1 is dropped, the handshake of connection 2 is never answered (as a
        // starting ZooKeeper 3.8 may do), connection 3 is answered: it must be tried while the session would still live.
        var drop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var asked = new System.Collections.Concurrent.ConcurrentDictionary<int, System.Diagnostics.Stopwatch>();
        await using var server = new FakeZooKeeperServer(
            afterHandshake: async (connection, stream, ct) =>
            {
                if (connection == 1)
                {
                    await drop.Task.WaitAsync(ct);
                    stream.Close();
                }
            },
            beforeHandshakeReply: (request, ct) =>
            {
                asked[request] = System.Diagnostics.Stopwatch.StartNew();
                return request == 2 ? Task.Delay(System.Threading.Timeout.Infinite, ct) : Task.CompletedTask;
            });
        await using var client = await ZooKeeperClient.ConnectAsync(Options(server.ConnectionString), Timeout());

        drop.SetResult();

        await Eventually(() => asked.ContainsKey(3), TimeSpan.FromSeconds(60), "a third connect request after the unanswered one");
        var waited = asked[2].Elapsed - asked[3].Elapsed;
        Assert.True(waited < TimeSpan.FromSeconds(30), $"The client waited {waited} on the unanswered handshake; the 30 s session would have expired.");
        await Eventually(() => client.State == SessionState.Connected && server.Handshakes == 2, Patience, "connected again");
    }

    [Fact]
    public async Task A_silent_server_is_detected_as_dead_and_the_client_reconnects()
    {
        // The fake never answers pings on the first connection, so the client must give up on it by itself.
        await using var server = new FakeZooKeeperServer(
            afterHandshake: (connection, stream, ct) => connection == 1 ? Task.Delay(System.Threading.Timeout.Infinite, ct) : Task.CompletedTask,
            negotiatedTimeoutMs: 1200);
        await using var client = await ZooKeeperClient.ConnectAsync(Options(server.ConnectionString), Timeout());

        await Eventually(() => server.Handshakes >= 2, Patience, "a second handshake after the silent one");
    }
}
