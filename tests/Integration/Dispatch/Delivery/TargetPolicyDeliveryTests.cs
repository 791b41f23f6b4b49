using JobLog.Dispatch;
using JobLog.Testing;
using Xunit;

namespace JobLog.Integration.Dispatch.Delivery;

public sealed class TargetPolicyDeliveryTests
{
    [Fact]
    public async Task A_target_in_a_denied_range_is_refused_without_a_connection_or_a_retry()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var sender = Deliveries.Sender(allowLoopback: false);
        var attempts = new AttemptLog();

        var result = await sender.DeliverAsync(Deliveries.Request(receiver.Url("/hook"), new(3, 0, 0), attempts: attempts), CancellationToken.None);

        Assert.Equal(RunOutcome.Refused, result.Outcome);
        Assert.Equal(1, result.Attempts);
        Assert.Equal("refused by the target policy: 127.0.0.1 is in the denied range 127.0.0.0/8", result.Error);
        Assert.Equal([1], attempts.Asked);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task An_allowed_loopback_target_is_called()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var sender = Deliveries.Sender(options => options.Targets.Allow.Add("127.0.0.1/32"), allowLoopback: false);

        var result = await sender.DeliverAsync(Deliveries.Request(receiver.Url("/hook")), CancellationToken.None);

        Assert.Equal(new DeliveryResult(RunOutcome.Succeeded, 1, 200, null), result);
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task A_host_name_that_resolves_into_a_denied_range_is_refused()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var sender = Deliveries.Sender(allowLoopback: false);

        var result = await sender.DeliverAsync(Deliveries.Request(receiver.Url("/hook", host: "localhost")), CancellationToken.None);

        Assert.Equal(RunOutcome.Refused, result.Outcome);
        Assert.Matches(@"^refused by the target policy: (127\.0\.0\.1 is in the denied range 127\.0\.0\.0/8|::1 is in the denied range ::1/128)$", result.Error);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task A_configured_denied_range_refuses_an_address_the_defaults_allow()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var sender = Deliveries.Sender(options => options.Targets.Deny.Add("127.0.0.1/32"), allowLoopback: false);
        var other = new Uri(receiver.Url("/hook"));

        var result = await sender.DeliverAsync(Deliveries.Request(receiver.Url("/hook")), CancellationToken.None);

        Assert.Equal(RunOutcome.Refused, result.Outcome);
        Assert.Equal("refused by the target policy: 127.0.0.1 is in the denied range 127.0.0.1/32", result.Error);
        Assert.Equal(other.Port, receiver.Port);
    }

    [Fact]
    public async Task Only_the_allowed_addresses_of_a_host_name_are_connected_to()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        // localhost is ::1 and 127.0.0.1; only the second is allowed (and only it has a listener).
        using var sender = Deliveries.Sender(options => options.Targets.Allow.Add("127.0.0.1/32"), allowLoopback: false);

        var result = await sender.DeliverAsync(Deliveries.Request(receiver.Url("/hook", host: "localhost")), CancellationToken.None);

        Assert.Equal(new DeliveryResult(RunOutcome.Succeeded, 1, 200, null), result);
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task An_ipv4_mapped_ipv6_literal_is_judged_as_the_ipv4_address_it_reaches()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var mapped = receiver.Url("/hook", host: "[::ffff:127.0.0.1]");
        using var refusing = Deliveries.Sender(allowLoopback: false);
        using var allowing = Deliveries.Sender(options => options.Targets.Allow.Add("127.0.0.1/32"), allowLoopback: false);

        var refused = await refusing.DeliverAsync(Deliveries.Request(mapped), CancellationToken.None);
        var allowed = await allowing.DeliverAsync(Deliveries.Request(mapped), CancellationToken.None);

        Assert.Equal(RunOutcome.Refused, refused.Outcome);
        Assert.Equal("refused by the target policy: 127.0.0.1 is in the denied range 127.0.0.0/8", refused.Error);
        Assert.Equal(RunOutcome.Succeeded, allowed.Outcome);
        Assert.Single(receiver.Requests);
    }
}
