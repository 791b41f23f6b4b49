using System.Diagnostics;
using JobLog.Dispatch;
using JobLog.Testing;
using Xunit;

namespace JobLog.Integration.Dispatch.Delivery;

public sealed class BreakerAndConcurrencyTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_down_target_opens_its_circuit_and_fails_fast_while_a_healthy_host_is_unaffected()
    {
        await using var healthy = await WebhookReceiver.StartAsync();
        var down = $"http://127.0.0.1:{Deliveries.ClosedPort()}/hook";
        using var sender = Deliveries.Sender(options =>
        {
            options.Breaker.MinimumThroughput = 2;
            options.Breaker.FailureRatio = 0.5;
            options.Breaker.SamplingDuration = TimeSpan.FromSeconds(60);
            options.Breaker.BreakDuration = TimeSpan.FromSeconds(60);
        });
        var toDown = Enumerable.Range(0, 8)
            .Select(_ => sender.DeliverAsync(Deliveries.Request(down, new(3, 0, 0)), CancellationToken.None))
            .ToList();
        var toHealthy = Enumerable.Range(0, 8).Select(async _ =>
        {
            var clock = Stopwatch.StartNew();
            var result = await sender.DeliverAsync(Deliveries.Request(healthy.Url("/hook"), new(3, 0, 0)), CancellationToken.None);
            return (result, clock.Elapsed);
        }).ToList();

        var downResults = await Task.WhenAll(toDown).WaitAsync(Deadline);
        var healthyResults = await Task.WhenAll(toHealthy).WaitAsync(Deadline);

        Assert.All(downResults, result => Assert.Equal(RunOutcome.Failed, result.Outcome));
        Assert.Contains(downResults, result => result.Error == $"circuit open for host {new Uri(down).GetLeftPart(UriPartial.Authority)}");
        Assert.All(healthyResults, pair =>
        {
            Assert.Equal(new DeliveryResult(RunOutcome.Succeeded, 1, 200, null), pair.result);
            Assert.True(pair.Elapsed < TimeSpan.FromSeconds(10), $"A call to the healthy host took {pair.Elapsed}.");
        });

        // Open: the next call to the down target fails at once, without a connection attempt.
        var next = await sender.DeliverAsync(Deliveries.Request(down), CancellationToken.None);
        Assert.Equal($"circuit open for host {new Uri(down).GetLeftPart(UriPartial.Authority)}", next.Error);
        Assert.Equal(1, next.Attempts);
    }

    [Fact]
    public async Task No_more_calls_than_the_configured_bound_are_in_flight_at_once()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Script("/slow", new ScriptedResponse(Delay: TimeSpan.FromMilliseconds(300)));
        using var sender = Deliveries.Sender(options => options.MaxConcurrentCalls = 3);

        var results = await Task.WhenAll(Enumerable.Range(0, 12)
            .Select(_ => sender.DeliverAsync(Deliveries.Request(receiver.Url("/slow")), CancellationToken.None)))
            .WaitAsync(Deadline);

        Assert.All(results, result => Assert.Equal(RunOutcome.Succeeded, result.Outcome));
        Assert.Equal(12, receiver.Requests.Count);
        Assert.InRange(receiver.MaxInFlight, 1, 3);
    }

    [Fact]
    public async Task A_delivery_waiting_for_a_free_slot_has_its_attempt_recorded_and_when_cancelled_ends_without_sending_it()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Script("/slow", ScriptedResponse.Hang);
        using var sender = Deliveries.Sender(options => options.MaxConcurrentCalls = 1);
        using var stopFirst = new CancellationTokenSource();
        var first = sender.DeliverAsync(Deliveries.Request(receiver.Url("/slow"), timeoutSeconds: 300), stopFirst.Token);
        await Eventually(() => receiver.Requests.Count == 1, Deadline, "the first call holds the only slot");
        using var stopSecond = new CancellationTokenSource();
        var attempts = new AttemptLog();
        var second = sender.DeliverAsync(Deliveries.Request(receiver.Url("/slow"), timeoutSeconds: 300, attempts: attempts), stopSecond.Token);
        await Eventually(() => attempts.Asked.Count == 1, Deadline, "the second delivery's attempt recorded while it waits for the slot");

        await stopSecond.CancelAsync();
        var secondResult = await second.WaitAsync(Deadline);
        await stopFirst.CancelAsync();
        await first.WaitAsync(Deadline);

        Assert.Equal(
            new DeliveryResult(RunOutcome.Failed, 1, null, "cancelled after attempt 1 was recorded as begun, before it was sent"),
            secondResult);
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task Attempts_begun_and_unanswered_are_bounded_and_a_delivery_past_the_bound_ends_when_cancelled_without_beginning_one()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Script("/slow", ScriptedResponse.Hang);
        using var sender = Deliveries.Sender(options => (options.MaxConcurrentCalls, options.MaxBegunAttempts) = (4, 1));
        using var stopFirst = new CancellationTokenSource();
        var first = sender.DeliverAsync(Deliveries.Request(receiver.Url("/slow"), timeoutSeconds: 300), stopFirst.Token);
        await Eventually(() => receiver.Requests.Count == 1, Deadline, "the first call holds the only begun attempt");
        using var stopSecond = new CancellationTokenSource();
        var attempts = new AttemptLog();
        var second = sender.DeliverAsync(Deliveries.Request(receiver.Url("/slow"), timeoutSeconds: 300, attempts: attempts), stopSecond.Token);

        await stopSecond.CancelAsync();
        var secondResult = await second.WaitAsync(Deadline);
        await stopFirst.CancelAsync();
        await first.WaitAsync(Deadline);

        Assert.Equal(new DeliveryResult(RunOutcome.Failed, 0, null, "cancelled before attempt 1 was sent"), secondResult);
        Assert.Empty(attempts.Asked);
        Assert.Single(receiver.Requests);
    }
}
