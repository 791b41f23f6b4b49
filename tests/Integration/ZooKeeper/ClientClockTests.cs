using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static JobLog.Integration.ZooKeeper.ZooKeeperTest;

namespace JobLog.Integration.ZooKeeper;

/// <summary>
/// The client's deadlines and timers run on its <see cref="ZooKeeperClientOptions.TimeProvider"/>: each test sets a
/// limit the wall clock would not reach during the test, so only the fake clock can make it fire.
/// </summary>
public sealed class ClientClockTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly DateTimeOffset _start;

    public ClientClockTests() => _start = _clock.GetUtcNow();

    [Fact]
    public async Task A_request_times_out_when_the_clients_clock_passes_its_deadline()
    {
        // Silent on requests, and a session long enough that no ping or read timeout interferes.
        await using var server = new FakeZooKeeperServer(negotiatedTimeoutMs: (int)TimeSpan.FromHours(1).TotalMilliseconds);
        var options = new ZooKeeperClientOptions(server.ConnectionString)
        {
            SessionTimeout = TimeSpan.FromHours(1),
            RequestTimeout = TimeSpan.FromMinutes(10),
            TimeProvider = _clock,
        };
        await using var client = await ZooKeeperClient.ConnectAsync(options, Timeout());
        var read = client.GetDataAsync("/never-answered", false, Timeout());

        await AdvanceUntil(() => read.IsCompleted, TimeSpan.FromSeconds(30), "the read completed");

        await Assert.ThrowsAsync<OperationTimeoutException>(() => read);
        Assert.True(_clock.GetUtcNow() - _start >= options.RequestTimeout, $"timed out {_clock.GetUtcNow() - _start} after the call");
    }

    [Fact]
    public async Task A_server_is_dropped_as_silent_when_the_clients_clock_passes_two_thirds_of_the_session_timeout()
    {
        // A minute's session: on the wall clock the client would give up on the silent server only after 40 s.
        await using var server = new FakeZooKeeperServer(negotiatedTimeoutMs: 60_000, answerPings: false);
        var options = new ZooKeeperClientOptions(server.ConnectionString)
        {
            SessionTimeout = TimeSpan.FromMinutes(1),
            RequestTimeout = TimeSpan.FromMinutes(10),
            TimeProvider = _clock,
        };
        await using var client = await ZooKeeperClient.ConnectAsync(options, Timeout());
        await using var states = new StateRecorder(client);

        await AdvanceUntil(() => states.Seen.Contains(SessionState.Disconnected), TimeSpan.FromSeconds(5), "the client dropped the server");

        Assert.True(_clock.GetUtcNow() - _start > TimeSpan.FromSeconds(40), $"dropped {_clock.GetUtcNow() - _start} after connecting");
        await states.WaitForAsync(SessionState.Connected, Patience, after: 2);
        Assert.Equal(2, server.Handshakes);
    }

    /// <summary>
    /// Moves the fake clock on by <paramref name="step"/> until the condition holds: a background timer created after
    /// a single big jump would never see it, so the clock keeps moving the way real time does.
    /// </summary>
    private Task AdvanceUntil(Func<bool> condition, TimeSpan step, string what) =>
        Eventually(
            () =>
            {
                if (condition())
                    return true;
                _clock.Advance(step);
                return false;
            },
            Patience,
            () => $"{what}, with the fake clock {_clock.GetUtcNow() - _start} on");
}
