using System.Diagnostics;
using JobLog.Dispatch;
using JobLog.Testing;
using Xunit;

namespace JobLog.Integration.Dispatch.Delivery;

public sealed class WebhookSenderTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Every_attempt_carries_the_job_headers_and_the_same_idempotency_key_with_its_own_attempt_number()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Script("/hook", ScriptedResponse.WithStatus(500), ScriptedResponse.WithStatus(503), ScriptedResponse.Ok);
        using var sender = Deliveries.Sender();
        var headers = new Dictionary<string, string>
        {
            ["X-Token"] = "abc123",
            ["Content-Type"] = "application/json",
            // A job's own header with one of JobLog's names (in another case) is replaced by JobLog's.
            ["x-joblog-attempt"] = "99",
            ["IDEMPOTENCY-KEY"] = "the-job-s-own",
        };
        var request = Deliveries.Request(receiver.Url("/hook"), new(3, 0, 0), headers: headers, method: "PUT", body: "{\"kind\":\"nightly\"}");

        var result = await sender.DeliverAsync(request, CancellationToken.None);

        Assert.Equal(new DeliveryResult(RunOutcome.Succeeded, 3, 200, null), result);
        var received = receiver.RequestsTo("/hook");
        Assert.Equal(3, received.Count);
        Assert.Equal(["1", "2", "3"], received.Select(r => r.Header(RunHeaders.Attempt)));
        foreach (var call in received)
        {
            Assert.Equal("PUT", call.Method);
            Assert.Equal("{\"kind\":\"nightly\"}", call.Body);
            Assert.Equal("abc123", call.Header("X-Token"));
            Assert.Equal("application/json", call.Header("Content-Type"));
            Assert.Equal("nightly-report", call.Header(RunHeaders.Job));
            Assert.Equal("2026-11-26T05:00:00.0000000Z", call.Header(RunHeaders.Occurrence));
            Assert.Equal("7", call.Header(RunHeaders.Version));
            Assert.Equal(RunHeaders.KeyForOccurrence(Deliveries.Job, Deliveries.Occurrence), call.Header(RunHeaders.IdempotencyKey));
        }
    }

    [Fact]
    public async Task A_500_then_a_200_is_retried_and_succeeds_on_the_second_attempt()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Script("/flaky", ScriptedResponse.WithStatus(500), ScriptedResponse.Ok);
        using var sender = Deliveries.Sender();
        var attempts = new AttemptLog();

        var result = await sender.DeliverAsync(Deliveries.Request(receiver.Url("/flaky"), new(3, 0, 0), attempts: attempts), CancellationToken.None);

        Assert.Equal(new DeliveryResult(RunOutcome.Succeeded, 2, 200, null), result);
        Assert.Equal([1, 2], attempts.Asked);
        Assert.Equal(2, receiver.RequestsTo("/flaky").Count);
    }

    [Fact]
    public async Task Busy_and_request_timeout_answers_are_retried_like_server_errors()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Script("/busy", ScriptedResponse.WithStatus(429), ScriptedResponse.WithStatus(408), ScriptedResponse.Ok);
        using var sender = Deliveries.Sender();

        var result = await sender.DeliverAsync(Deliveries.Request(receiver.Url("/busy"), new(3, 0, 0)), CancellationToken.None);

        Assert.Equal(new DeliveryResult(RunOutcome.Succeeded, 3, 200, null), result);
    }

    [Fact]
    public async Task A_dropped_connection_is_retried()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Script("/drops", ScriptedResponse.Close, ScriptedResponse.Ok);
        using var sender = Deliveries.Sender();

        var result = await sender.DeliverAsync(Deliveries.Request(receiver.Url("/drops"), new(2, 0, 0)), CancellationToken.None);

        Assert.Equal(new DeliveryResult(RunOutcome.Succeeded, 2, 200, null), result);
    }

    [Fact]
    public async Task A_target_that_never_answers_times_out_on_every_attempt()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Script("/slow", ScriptedResponse.Hang);
        using var sender = Deliveries.Sender();

        var result = await sender.DeliverAsync(Deliveries.Request(receiver.Url("/slow"), new(2, 0, 0), timeoutSeconds: 1), CancellationToken.None)
            .WaitAsync(Deadline);

        Assert.Equal(RunOutcome.TimedOut, result.Outcome);
        Assert.Equal(2, result.Attempts);
        Assert.Null(result.HttpStatus);
        Assert.Equal("no answer within 1 s", result.Error);
        Assert.Equal(2, receiver.RequestsTo("/slow").Count);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(404)]
    [InlineData(422)]
    public async Task A_client_error_other_than_408_and_429_is_not_retried(int status)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Script("/reject", ScriptedResponse.WithStatus(status, "no such thing"));
        using var sender = Deliveries.Sender();

        var result = await sender.DeliverAsync(Deliveries.Request(receiver.Url("/reject"), new(3, 0, 0)), CancellationToken.None);

        Assert.Equal(RunOutcome.Failed, result.Outcome);
        Assert.Equal(1, result.Attempts);
        Assert.Equal(status, result.HttpStatus);
        Assert.StartsWith($"HTTP {status}", result.Error);
        Assert.EndsWith(": no such thing", result.Error);
        Assert.Single(receiver.RequestsTo("/reject"));
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_fails_with_its_status()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Script("/moved", ScriptedResponse.WithStatus(302).WithHeader("Location", receiver.Url("/elsewhere")));
        using var sender = Deliveries.Sender();

        var result = await sender.DeliverAsync(Deliveries.Request(receiver.Url("/moved"), new(3, 0, 0)), CancellationToken.None);

        Assert.Equal(RunOutcome.Failed, result.Outcome);
        Assert.Equal(302, result.HttpStatus);
        Assert.Equal(1, result.Attempts);
        Assert.Contains("redirects are not followed", result.Error);
        Assert.Equal(["/moved"], receiver.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task Retry_after_is_honoured_up_to_the_backoff_cap()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Script("/later", ScriptedResponse.WithStatus(503).WithHeader("Retry-After", "600"), ScriptedResponse.Ok);
        using var sender = Deliveries.Sender();
        // No backoff of its own, a cap of one second: the wait before the second attempt is the target's, capped.
        var delivery = sender.DeliverAsync(Deliveries.Request(receiver.Url("/later"), new(2, 0, 1)), CancellationToken.None);

        var result = await delivery.WaitAsync(Deadline);

        Assert.Equal(new DeliveryResult(RunOutcome.Succeeded, 2, 200, null), result);
        var calls = receiver.RequestsTo("/later");
        var waited = Stopwatch.GetElapsedTime(calls[0].Timestamp, calls[1].Timestamp);
        Assert.True(waited >= TimeSpan.FromMilliseconds(900), $"The second attempt came {waited} after the first; Retry-After asked for 600 s, capped at 1 s.");
    }

    [Fact]
    public async Task An_attempt_the_dispatcher_declines_to_begin_sends_nothing()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var sender = Deliveries.Sender();
        var attempts = new AttemptLog(allow: _ => false);

        var result = await sender.DeliverAsync(Deliveries.Request(receiver.Url("/hook"), new(3, 0, 0), attempts: attempts), CancellationToken.None);

        Assert.True(result.Abandoned);
        Assert.Equal(0, result.Attempts);
        Assert.Equal([1], attempts.Asked);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task A_retry_the_dispatcher_declines_to_begin_sends_nothing_more()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Script("/hook", ScriptedResponse.WithStatus(500));
        using var sender = Deliveries.Sender();
        var attempts = new AttemptLog(allow: attempt => attempt < 2);

        var result = await sender.DeliverAsync(Deliveries.Request(receiver.Url("/hook"), new(3, 0, 0), attempts: attempts), CancellationToken.None);

        Assert.True(result.Abandoned);
        Assert.Equal(1, result.Attempts);
        Assert.Equal([1, 2], attempts.Asked);
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task A_secret_header_value_echoed_by_the_target_never_reaches_the_error()
    {
        const string secret = "tok-5ecret\tValue-123";
        await using var receiver = await WebhookReceiver.StartAsync();
        // The target echoes the secret in several spellings: as sent, across a line break, in another case.
        receiver.Script("/echo", ScriptedResponse.WithStatus(500, $"bad token {secret}; again: TOK-5ECRET\nVALUE-123 and Bearer zz-9"));
        using var sender = Deliveries.Sender();
        var headers = new Dictionary<string, string> { ["X-Token"] = secret, ["Authorization"] = "Bearer zz-9" };

        var result = await sender.DeliverAsync(Deliveries.Request(receiver.Url("/echo"), headers: headers), CancellationToken.None);

        Assert.Equal(500, result.HttpStatus);
        Assert.StartsWith("HTTP 500", result.Error);
        Assert.DoesNotContain("5ecret", result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("zz-9", result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("bad token ***", result.Error);
    }

    [Fact]
    public async Task Only_a_short_prefix_of_a_failed_answer_is_kept_without_its_control_characters()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Script("/long", ScriptedResponse.WithStatus(500, "line one\r\nline\u001b[31m two " + new string('x', 100_000)));
        using var sender = Deliveries.Sender();

        var result = await sender.DeliverAsync(Deliveries.Request(receiver.Url("/long")), CancellationToken.None);

        Assert.NotNull(result.Error);
        Assert.True(result.Error.Length <= 300, $"The error is {result.Error.Length} characters long.");
        Assert.Contains("line one line [31m two xxx", result.Error);
        Assert.DoesNotContain(result.Error, char.IsControl);
    }

    [Fact]
    public async Task Cancelling_a_delivery_ends_it_at_once_as_failed_during_its_attempt()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Script("/slow", ScriptedResponse.Hang);
        using var sender = Deliveries.Sender();
        using var cancel = new CancellationTokenSource();
        var delivery = sender.DeliverAsync(Deliveries.Request(receiver.Url("/slow"), new(3, 0, 0), timeoutSeconds: 300), cancel.Token);
        await Eventually(() => receiver.Requests.Count == 1, Deadline, "the first attempt reached the target");

        await cancel.CancelAsync();
        var result = await delivery.WaitAsync(Deadline);

        Assert.Equal(
            new DeliveryResult(RunOutcome.Failed, 1, null, "cancelled during attempt 1; the target may have received it"),
            result);
    }

    [Fact]
    public async Task Cancelling_while_waiting_to_retry_ends_the_delivery_without_another_attempt()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Script("/down", ScriptedResponse.WithStatus(503).WithHeader("Retry-After", "300"));
        using var sender = Deliveries.Sender();
        var answered = 0;
        sender.AttemptAnswered = _ => Interlocked.Increment(ref answered);
        using var cancel = new CancellationTokenSource();
        var delivery = sender.DeliverAsync(Deliveries.Request(receiver.Url("/down"), new(3, 0, 300)), cancel.Token);
        // The target's request is recorded before its answer is sent: wait for the sender to have the answer.
        await Eventually(() => Volatile.Read(ref answered) == 1, Deadline, "the first attempt answered");

        await cancel.CancelAsync();
        var result = await delivery.WaitAsync(Deadline);

        Assert.Equal(new DeliveryResult(RunOutcome.Failed, 1, 503, "cancelled while waiting to retry after attempt 1"), result);
        Assert.Single(receiver.Requests);
    }
}
