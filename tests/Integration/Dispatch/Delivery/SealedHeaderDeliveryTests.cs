using JobLog.Dispatch;
using JobLog.Model;
using JobLog.Secrets;
using JobLog.Testing;
using Xunit;

namespace JobLog.Integration.Dispatch.Delivery;

/// <summary>The sender decrypts a target's stored secret values just before the call, and only there.</summary>
public sealed class SealedHeaderDeliveryTests
{
    private const string Token = "Bearer sk-live-0d4e7a";
    private const string Signature = "sig-93f1b2c4";

    private static async Task<DeliveryRequest> SealedRequestAsync(string url, ISecretVault vault, RetryPolicy? retry = null)
    {
        var request = Deliveries.Request(url, retry, headers: new Dictionary<string, string>
        {
            ["Authorization"] = Token,
            ["X-Signature"] = Signature,
            ["X-Trace"] = "trace-1",
        });
        var given = request.Target with { SecretHeaders = ["X-Signature"] };
        var sealedTarget = (await TargetSecrets.SealAsync(given, null, vault, CancellationToken.None)).Target!;
        Assert.True(SecretValue.IsSealed(sealedTarget.Headers["Authorization"]) && SecretValue.IsSealed(sealedTarget.Headers["X-Signature"]));
        return request with { Target = sealedTarget };
    }

    [Fact]
    public async Task The_target_receives_the_clear_values_of_headers_stored_sealed()
    {
        var vault = SecretVaults.Ephemeral();
        await using var receiver = await WebhookReceiver.StartAsync();
        using var sender = Deliveries.Sender(vault: vault);

        var result = await sender.DeliverAsync(await SealedRequestAsync(receiver.Url("/hook"), vault), CancellationToken.None);

        Assert.Equal(RunOutcome.Succeeded, result.Outcome);
        var call = Assert.Single(receiver.RequestsTo("/hook"));
        Assert.Equal((Token, Signature, "trace-1"), (call.Header("Authorization"), call.Header("X-Signature"), call.Header("X-Trace")));
    }

    [Fact]
    public async Task A_value_the_key_ring_cannot_decrypt_fails_the_run_naming_the_header_without_calling_the_target()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var sender = Deliveries.Sender(vault: SecretVaults.Ephemeral());
        var sealedElsewhere = await SealedRequestAsync(receiver.Url("/hook"), SecretVaults.Ephemeral());

        var result = await sender.DeliverAsync(sealedElsewhere, CancellationToken.None);

        Assert.Equal((RunOutcome.Failed, 0, (int?)null), (result.Outcome, result.Attempts, result.HttpStatus));
        Assert.Contains("Authorization", result.Error, StringComparison.Ordinal);
        Assert.Contains("cannot be decrypted", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretValue.Prefix, result.Error, StringComparison.Ordinal);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task A_target_echoing_a_secret_it_received_finds_it_masked_in_the_run_error()
    {
        var vault = SecretVaults.Ephemeral();
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Script("/echo", ScriptedResponse.WithStatus(500, $"refused {Token} and {Signature.ToUpperInvariant()}"));
        using var sender = Deliveries.Sender(vault: vault);

        var result = await sender.DeliverAsync(await SealedRequestAsync(receiver.Url("/echo"), vault), CancellationToken.None);

        Assert.Equal((RunOutcome.Failed, 500), (result.Outcome, result.HttpStatus));
        Assert.DoesNotContain("sk-live", result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("93f1b2c4", result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("***", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secret_query_values_stored_sealed_reach_the_target_in_clear_and_an_echo_of_them_is_masked_in_the_run_error()
    {
        var vault = SecretVaults.Ephemeral();
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Script("/echo", ScriptedResponse.WithStatus(500, "no such token: qv-5e7a8b (or QV-5E7A8B), code c%2Fd9 c/d9"));
        using var sender = Deliveries.Sender(vault: vault);
        var given = Deliveries.Request(receiver.Url("/echo") + "?token=qv-5e7a8b&code=c%2Fd9&x=1", Deliveries.Once);
        var stored = given with { Target = (await TargetSecrets.SealAsync(given.Target, null, vault, CancellationToken.None)).Target! };

        var result = await sender.DeliverAsync(stored, CancellationToken.None);

        Assert.DoesNotContain("qv-5e7a8b", stored.Target.Url, StringComparison.Ordinal);
        Assert.Equal("?token=qv-5e7a8b&code=c%2Fd9&x=1", Assert.Single(receiver.RequestsTo("/echo")).Query);
        Assert.Equal((RunOutcome.Failed, 500), (result.Outcome, result.HttpStatus));
        Assert.DoesNotContain("5e7a8b", result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("d9", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_client_never_sends_a_url_userinfo_so_refusing_it_and_dropping_an_old_one_changes_no_call()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var sender = Deliveries.Sender(vault: SecretVaults.Ephemeral());
        var url = receiver.Url("/hook").Replace("://", "://olduser:old-pw-3c1d@", StringComparison.Ordinal);

        var result = await sender.DeliverAsync(Deliveries.Request(url, Deliveries.Once), CancellationToken.None);

        Assert.Equal(RunOutcome.Succeeded, result.Outcome);
        var call = Assert.Single(receiver.RequestsTo("/hook"));
        Assert.Null(call.Header("Authorization"));
        Assert.DoesNotContain("old-pw-3c1d", string.Join("\n", call.Headers.Select(h => $"{h.Key}: {h.Value}")), StringComparison.Ordinal);
    }
}
